"""The people page of the admin ZI: citra works, dodi gets 404, evi and ani get 403, bad input saves nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts import services, views
from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.notifications.models import Notification
from apps.tenancy.models import Membership
from apps.tenancy.roles import NATIONAL_ROLES, Role
from tests.conftest import World, enrol_totp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def membership_of(world: World, user: User) -> Membership:
    return Membership.objects.get(user=user, instansi=world.instansi_a)


def invite_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {"email": "fajar@alfa.go.id", "name": "Fajar Nugroho", "role": Role.VIEWER, "unit": ""}
    data.update(overrides)
    return data


# -----------------------------------------------------------------------------
# The list
# -----------------------------------------------------------------------------


def test_admin_sees_the_people_of_her_instansi_only(world: World, login: Callable) -> None:
    pending = UserFactory(email="pending@alfa.go.id", name="Putri Pending", password=None)
    Membership.objects.create(user=pending, instansi=world.instansi_a, role=Role.VIEWER)
    response = login(world.citra).get(reverse("accounts:people-list"))
    assert response.status_code == 200
    page = response.content.decode()
    for person in (world.ani, world.budi, world.citra, world.evi, pending):
        assert person.email in page
    assert world.dodi.email not in page
    rows = {m.user.email: m for m in response.context["page"]}
    assert rows["citra@alfa.go.id"].mfa_enrolled is True
    assert rows["ani@alfa.go.id"].mfa_enrolled is False
    assert rows["pending@alfa.go.id"].invitation_pending is True
    assert rows["ani@alfa.go.id"].invitation_pending is False
    assert "Direktorat Pelayanan A1" in page  # ani's unit
    # The invite form offers no national role and only A's units.
    form = response.context["form"]
    assert not {value for value, _label in form.fields["role"].choices} & set(NATIONAL_ROLES)
    assert set(form.fields["unit"].queryset) == {world.unit_a1, world.unit_a2}


def test_search_by_name_or_email(world: World, login: Callable) -> None:
    response = login(world.citra).get(reverse("accounts:people-list"), {"q": "budi"})
    assert [m.user for m in response.context["page"]] == [world.budi]


def test_people_list_needs_people_manage(world: World, login: Callable) -> None:
    for persona in (world.evi, world.ani, world.dodi):
        assert login(persona).get(reverse("accounts:people-list")).status_code == 403


def test_people_list_query_count_does_not_grow_with_people(world: World, login: Callable) -> None:
    client = login(world.citra)
    client.get(reverse("accounts:people-list"))  # the signed-in principal is cached from here on
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("accounts:people-list"))
    for n in range(10):
        Membership.objects.create(
            user=UserFactory(email=f"p{n}@alfa.go.id"), instansi=world.instansi_a, role=Role.VIEWER
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("accounts:people-list"))
    assert len(response.context["page"]) == 14
    assert len(many.captured_queries) == len(few.captured_queries)


def test_people_list_is_get_only(world: World, login: Callable) -> None:
    assert login(world.citra).post(reverse("accounts:people-list")).status_code == 405


def test_nav_shows_people_only_to_people_managers(world: World, login: Callable) -> None:
    url = reverse("accounts:people-list")
    assert f'href="{url}"' in login(world.citra).get(reverse("accounts:profile")).content.decode()
    assert f'href="{url}"' not in login(world.evi).get(reverse("accounts:profile")).content.decode()


# -----------------------------------------------------------------------------
# Invite
# -----------------------------------------------------------------------------


def test_invite_happy_path(world: World, login: Callable, in_scope) -> None:
    client = login(world.citra)
    form_page = client.get(reverse("accounts:membership-invite"))
    assert form_page.status_code == 200
    assert 'data-testid="invite-form"' in form_page.content.decode()
    response = client.post(
        reverse("accounts:membership-invite"), invite_data(role=Role.TIM_KERJA, unit=world.unit_a2.public_id)
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:people-list")
    membership = Membership.objects.get(user__email="fajar@alfa.go.id")
    assert (membership.instansi_id, membership.role, membership.unit_id) == (
        world.instansi_a.pk,
        Role.TIM_KERJA,
        world.unit_a2.pk,
    )
    page = client.get(response["Location"]).content.decode()
    assert str(views.INVITATION_SENT % {"email": "fajar@alfa.go.id"}) in page
    with in_scope(world.instansi_a):
        assert AuditEvent.objects.filter(verb="membership.invite", object_id=membership.public_id).exists()


@pytest.mark.parametrize("persona", ["evi", "ani", "budi", "dodi"])
def test_invite_is_forbidden_without_people_manage(world: World, login: Callable, persona: str) -> None:
    response = login(getattr(world, persona)).post(reverse("accounts:membership-invite"), invite_data())
    assert response.status_code == 403
    assert not User.objects.filter(email="fajar@alfa.go.id").exists()


def test_invite_wrong_method(world: World, login: Callable) -> None:
    assert login(world.citra).put(reverse("accounts:membership-invite")).status_code == 405


def _assert_nothing_saved(world: World, in_scope, emails: tuple[str, ...] = ("fajar@alfa.go.id",)) -> None:
    for email in emails:
        assert not User.objects.filter(email=email).exists()
    with in_scope(world.instansi_a):
        assert not AuditEvent.objects.exists()
        assert not Notification.objects.exists()


def test_invite_duplicate_membership_is_shown_beside_the_email(world: World, login: Callable, in_scope) -> None:
    response = login(world.citra).post(
        reverse("accounts:membership-invite"),
        invite_data(email=world.ani.email, role=Role.TIM_KERJA, unit=world.unit_a1.public_id),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"email": [str(services.MEMBERSHIP_DUPLICATE)]}
    assert world.ani.memberships.count() == 1
    _assert_nothing_saved(world, in_scope)


@pytest.mark.parametrize("role", sorted(NATIONAL_ROLES))
def test_invite_national_role_is_not_a_choice(world: World, login: Callable, in_scope, role: str) -> None:
    response = login(world.citra).post(reverse("accounts:membership-invite"), invite_data(role=role))
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    _assert_nothing_saved(world, in_scope)


def test_invite_unit_of_another_instansi_is_not_a_choice(world: World, login: Callable, in_scope) -> None:
    response = login(world.citra).post(
        reverse("accounts:membership-invite"), invite_data(role=Role.TIM_KERJA, unit=world.unit_b1.public_id)
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    _assert_nothing_saved(world, in_scope)


def test_invite_unit_role_without_unit_shows_the_service_message(world: World, login: Callable, in_scope) -> None:
    response = login(world.citra).post(reverse("accounts:membership-invite"), invite_data(role=Role.PEGAWAI))
    assert response.status_code == 200
    assert response.context["form"].errors == {"unit": [str(services.UNIT_REQUIRED)]}
    assert str(services.UNIT_REQUIRED) in response.content.decode()
    _assert_nothing_saved(world, in_scope)


def test_invite_malformed_email(world: World, login: Callable, in_scope) -> None:
    response = login(world.citra).post(reverse("accounts:membership-invite"), invite_data(email="bukan-email"))
    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    _assert_nothing_saved(world, in_scope, emails=("bukan-email",))


# -----------------------------------------------------------------------------
# Change role / unit
# -----------------------------------------------------------------------------


def test_change_role_happy_path(world: World, login: Callable) -> None:
    target = membership_of(world, world.evi)
    url = reverse("accounts:membership-update", args=[target.public_id])
    client = login(world.citra)
    page = client.get(url)
    assert page.status_code == 200
    assert world.evi.email in page.content.decode()
    response = client.post(url, {"version": "1", "role": Role.PEGAWAI, "unit": world.unit_a2.public_id})
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.role, target.unit_id) == (Role.PEGAWAI, world.unit_a2.pk)


def test_change_role_of_another_instansi_is_404(world: World, login: Callable) -> None:
    foreign = Membership.objects.get(user=world.dodi)
    url = reverse("accounts:membership-update", args=[foreign.public_id])
    client = login(world.citra)
    assert client.get(url).status_code == 404
    assert client.post(url, {"role": Role.VIEWER}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == Role.TIM_KERJA


def test_outsider_gets_404_on_a_membership_of_a(world: World, login: Callable) -> None:
    target = membership_of(world, world.evi)
    client = login(world.dodi)
    for name in ("accounts:membership-update", "accounts:membership-deactivate", "accounts:invitation-resend"):
        assert client.post(reverse(name, args=[target.public_id]), {"role": Role.PEGAWAI}).status_code == 404, name
    target.refresh_from_db()
    assert (target.role, target.is_active) == (Role.VIEWER, True)


@pytest.mark.parametrize("persona", ["evi", "ani"])
def test_members_without_people_manage_get_403(world: World, login: Callable, persona: str) -> None:
    target = membership_of(world, world.budi)
    client = login(getattr(world, persona))
    assert client.get(reverse("accounts:membership-update", args=[target.public_id])).status_code == 403
    for name in ("accounts:membership-update", "accounts:membership-deactivate", "accounts:invitation-resend"):
        assert client.post(reverse(name, args=[target.public_id]), {"role": Role.VIEWER}).status_code == 403, name
    target.refresh_from_db()
    assert (target.role, target.is_active) == (Role.TPI, True)


def test_malformed_or_unknown_membership_id_is_404(world: World, login: Callable) -> None:
    client = login(world.citra)
    assert client.get("/akun/orang/bukan-uuid/").status_code == 404
    assert client.get("/akun/orang/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_change_role_bad_input_saves_nothing(world: World, login: Callable, in_scope) -> None:
    target = membership_of(world, world.evi)
    url = reverse("accounts:membership-update", args=[target.public_id])
    client = login(world.citra)
    for data, field in (
        ({"role": Role.TPN_EVALUATOR}, "role"),
        ({"role": Role.TIM_KERJA, "unit": world.unit_b1.public_id}, "unit"),
        ({"role": Role.TIM_KERJA}, "unit"),
        ({"role": Role.TPI, "unit": world.unit_a1.public_id}, "unit"),
    ):
        response = client.post(url, {"version": "1", **data})
        assert response.status_code == 200, data
        assert field in response.context["form"].errors, data
    target.refresh_from_db()
    assert (target.role, target.unit_id) == (Role.VIEWER, None)
    with in_scope(world.instansi_a):
        assert not AuditEvent.objects.exists()


def test_last_admin_cannot_demote_herself_through_the_page(world: World, login: Callable) -> None:
    citra = membership_of(world, world.citra)
    response = login(world.citra).post(
        reverse("accounts:membership-update", args=[citra.public_id]), {"version": "1", "role": Role.VIEWER}
    )
    assert response.status_code == 200
    assert str(services.LAST_ADMIN) in response.content.decode()
    citra.refresh_from_db()
    assert citra.role == Role.ADMIN_ZI


def test_membership_update_wrong_method(world: World, login: Callable) -> None:
    target = membership_of(world, world.evi)
    assert login(world.citra).delete(reverse("accounts:membership-update", args=[target.public_id])).status_code == 405


# -----------------------------------------------------------------------------
# Deactivate
# -----------------------------------------------------------------------------


def test_deactivate_happy_path(world: World, login: Callable) -> None:
    target = membership_of(world, world.evi)
    response = login(world.citra).post(reverse("accounts:membership-deactivate", args=[target.public_id]))
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    # evi has no other membership: she now sees no instansi at all.
    assert login(world.evi).get(reverse("accounts:people-list")).status_code == 403


def test_deactivate_is_post_only(world: World, login: Callable) -> None:
    target = membership_of(world, world.evi)
    assert login(world.citra).get(reverse("accounts:membership-deactivate", args=[target.public_id])).status_code == 405
    target.refresh_from_db()
    assert target.is_active


def test_deactivate_last_admin_is_refused_with_the_message(world: World, login: Callable) -> None:
    citra = membership_of(world, world.citra)
    client = login(world.citra)
    response = client.post(reverse("accounts:membership-deactivate", args=[citra.public_id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:membership-update", args=[citra.public_id])
    assert str(services.LAST_ADMIN) in client.get(response["Location"]).content.decode()
    citra.refresh_from_db()
    assert citra.is_active


def test_a_second_admin_can_deactivate_the_first(world: World, login: Callable) -> None:
    second = UserFactory(email="admin2@alfa.go.id")
    Membership.objects.create(user=second, instansi=world.instansi_a, role=Role.ADMIN_ZI)
    enrol_totp(second)
    citra = membership_of(world, world.citra)
    response = login(second).post(reverse("accounts:membership-deactivate", args=[citra.public_id]))
    assert response.status_code == 302
    citra.refresh_from_db()
    assert not citra.is_active


def test_an_admin_who_steps_down_lands_on_the_dashboard(world: World, login: Callable) -> None:
    Membership.objects.create(user=world.budi, instansi=world.instansi_a, role=Role.ADMIN_ZI)
    citra = membership_of(world, world.citra)
    response = login(world.citra).post(reverse("accounts:membership-deactivate", args=[citra.public_id]))
    assert response["Location"] == reverse("core:dashboard")
    citra.refresh_from_db()
    assert not citra.is_active


def test_changing_an_inactive_membership_shows_why_nothing_happened(world: World, login: Callable) -> None:
    target = membership_of(world, world.evi)
    target.is_active = False
    target.save()
    url = reverse("accounts:membership-update", args=[target.public_id])
    response = login(world.citra).post(url, {"version": "1", "role": Role.PEGAWAI, "unit": world.unit_a1.public_id})
    assert response.status_code == 200
    assert str(services.MEMBERSHIP_INACTIVE) in response.content.decode()
    target.refresh_from_db()
    assert target.role == Role.VIEWER


# -----------------------------------------------------------------------------
# Resend
# -----------------------------------------------------------------------------


def test_resend_happy_path(world: World, login: Callable, in_scope) -> None:
    client = login(world.citra)
    client.post(reverse("accounts:membership-invite"), invite_data())
    membership = Membership.objects.get(user__email="fajar@alfa.go.id")
    url = reverse("accounts:invitation-resend", args=[membership.public_id])
    response = client.post(url)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert str(views.INVITATION_RESENT % {"email": "fajar@alfa.go.id"}) in page
    with in_scope(world.instansi_a):
        assert Notification.objects.filter(recipient=membership.user).count() == 2
    assert client.get(url).status_code == 405


def test_resend_to_someone_with_a_password_is_refused(world: World, login: Callable, in_scope) -> None:
    target = membership_of(world, world.evi)
    client = login(world.citra)
    response = client.post(reverse("accounts:invitation-resend", args=[target.public_id]))
    assert response.status_code == 302
    assert str(services.ALREADY_ACTIVATED) in client.get(response["Location"]).content.decode()
    with in_scope(world.instansi_a):
        assert not Notification.objects.exists()


def test_a_stale_role_form_is_a_conflict_and_changes_nothing(world: World, login) -> None:
    target = Membership.objects.get(user=world.evi)
    url = reverse("accounts:membership-update", args=[target.public_id])
    client = login(world.citra)
    assert client.post(url, {"version": "1", "role": Role.TPI}).status_code == 302
    stale = client.post(url, {"version": "1", "role": Role.PEGAWAI, "unit": world.unit_a1.public_id})
    assert "Pengguna lain telah menyimpan" in stale.content.decode()
    target.refresh_from_db()
    assert (target.role, target.version) == (Role.TPI, 2)
