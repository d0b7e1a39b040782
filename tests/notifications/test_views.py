"""The in-app notification list, the unread count in the top bar, and marking one read."""

from __future__ import annotations

from django.urls import reverse

from apps.notifications.models import Channel, Notification, NotificationPreference
from apps.notifications.services import notify
from apps.tenancy.roles import Role
from tests.conftest import World, enrol_totp
from tests.factories import MembershipFactory, UserFactory
from tests.notifications.factories import REPORT_TITLE, report_ready_context

LIST = reverse("notifications:list")


def in_app_notice(world: World, in_scope, *, key: str = "laporan-siap:1") -> Notification:
    context, link = report_ready_context(world)
    with in_scope(world.instansi_a):
        [notice] = notify(
            instansi=world.instansi_a,
            recipient=world.ani,
            kind="report_ready",
            key=key,
            template="report-ready",
            context=context,
            link=link,
            channels=(Channel.IN_APP,),
        )
    return notice


def read_url(notice: Notification) -> str:
    return reverse("notifications:read", kwargs={"public_id": notice.public_id})


def test_list_shows_my_notifications_and_the_unread_count(world: World, login, in_scope) -> None:
    in_app_notice(world, in_scope, key="satu")
    in_app_notice(world, in_scope, key="dua")
    response = login(world.ani).get(LIST)
    assert response.status_code == 200
    assert response.context["unread_count"] == 2
    html = response.content.decode()
    assert '<span class="zi-badge" id="unread-count">2</span>' in html
    assert REPORT_TITLE.replace("&", "&amp;") in html


def test_others_do_not_see_my_notifications(world: World, login, in_scope) -> None:
    in_app_notice(world, in_scope)
    for user in (world.citra, world.dodi):
        response = login(user).get(LIST)
        assert response.context["unread_count"] == 0
        assert REPORT_TITLE.replace("&", "&amp;") not in response.content.decode()


def test_reading_marks_it_read_and_opens_its_link(world: World, login, in_scope) -> None:
    notice = in_app_notice(world, in_scope)
    client = login(world.ani)
    response = client.post(read_url(notice))
    assert response.status_code == 302
    assert response["Location"] == notice.link
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert client.get(LIST).context["unread_count"] == 0


def test_reading_someone_elses_notification_is_404(world: World, login, in_scope) -> None:
    notice = in_app_notice(world, in_scope)
    for user in (world.evi, world.dodi):
        assert login(user).post(read_url(notice)).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_get_on_read_is_405(world: World, login, in_scope) -> None:
    notice = in_app_notice(world, in_scope)
    assert login(world.ani).get(read_url(notice)).status_code == 405
    notice.refresh_from_db()
    assert notice.read_at is None


def test_malformed_id_is_404(world: World, login) -> None:
    response = login(world.ani).post("/notifikasi/bukan-uuid/baca/")
    assert response.status_code == 404


def test_a_person_sets_how_they_are_told(world: World, login) -> None:
    client = login(world.ani)
    url = reverse("notifications:preferences")
    assert client.get(url).status_code == 200
    refused = client.post(url, {"email_digest": "0"})
    assert refused.status_code == 400
    assert "Pilih setidaknya satu cara" in refused.content.decode()
    assert not NotificationPreference.objects.filter(user=world.ani).exists()
    assert client.post(url, {"email": "on", "email_digest": "1"}).status_code == 302
    preference = NotificationPreference.objects.get(user=world.ani)
    assert (preference.email, preference.in_app, preference.email_digest) == (True, False, True)


def test_national_accounts_have_a_notification_page_not_a_403(world: World, login, in_scope) -> None:
    """Issue 21: "Notifikasi" is in every top bar, so a KemenPANRB or TPN account gets the page
    (empty: in-app notices belong to an instansi) and its settings; a person with no membership at
    all is still refused."""
    in_app_notice(world, in_scope)  # someone else's notice exists; the national page never shows it
    national = UserFactory(email="tpn@menpan.go.id")
    MembershipFactory(user=national, instansi=None, role=Role.TPN_EVALUATOR)
    enrol_totp(national)
    client = login(national)
    page = client.get(LIST)
    assert page.status_code == 200
    assert "Tidak ada notifikasi." in page.content.decode()
    assert REPORT_TITLE not in page.content.decode()
    url = reverse("notifications:preferences")
    assert client.get(url).status_code == 200
    assert client.post(url, {"email": "on", "email_digest": "0"}).status_code == 302
    assert NotificationPreference.objects.get(user=national).email is True
    nobody = UserFactory(email="tanpa.keanggotaan@alfa.go.id")
    assert login(nobody).get(LIST).status_code == 403
