"""Invitations by consent (issue 18): an instansi that invites an existing account offers a role;
until the person accepts it nothing changes for them — no switcher entry, no scope, no MFA — and a
national account can never be given an instansi role. People pages show nothing of an account's
life outside the instansi."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from apps.accounts import services
from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.notifications.models import Notification
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.tenancy.selectors import membership_list_for_user
from tests.conftest import World, enrol_totp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def admin_a(world: World) -> Membership:
    return Membership.objects.get(user=world.citra, instansi=world.instansi_a)


def admin_b(world: World) -> Membership:
    user = UserFactory(email="bagas@beta.go.id", name="Bagas Admin B")
    enrol_totp(user)
    return Membership.objects.create(user=user, instansi=world.instansi_b, role=Role.ADMIN_ZI)


def test_inviting_an_existing_account_offers_a_role_that_does_nothing_until_accepted(
    world: World, login: Callable[[User], Client], in_scope
) -> None:
    # dodi works in instansi B as tim kerja (no MFA needed); A's admin offers him the TPI role.
    offer = services.membership_invite(actor=admin_a(world), email=world.dodi.email, name="X", role=Role.TPI)
    assert offer.awaiting_consent
    assert [m.instansi_id for m in membership_list_for_user(user=world.dodi)] == [world.instansi_b.pk]
    client = login(world.dodi)
    # Not forced into MFA, still working in B, and A's pages are not his.
    home = client.get(reverse("unit_kerja:unit-list"))
    assert home.status_code == 200
    assert "Dinas Perizinan B1" in home.content.decode()
    with in_scope(world.instansi_a):
        body = Notification.objects.get(recipient=world.dodi).body
    assert reverse("accounts:consent-list") in body

    page = client.get(reverse("accounts:consent-list"))
    assert "Kementerian Alfa" in page.content.decode()
    response = client.post(reverse("accounts:consent-answer", args=[offer.public_id]), {"decision": "accept"})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert not offer.awaiting_consent
    assert {m.instansi_id for m in membership_list_for_user(user=world.dodi)} == {
        world.instansi_a.pk,
        world.instansi_b.pk,
    }
    with in_scope(world.instansi_a):
        event = AuditEvent.objects.get(verb="membership.consent_accept")
    assert event.before["awaiting_consent"] is True
    assert event.after["awaiting_consent"] is False


def test_declining_ends_the_offer_and_gives_nothing(world: World, login, in_scope) -> None:
    offer = services.membership_invite(actor=admin_a(world), email=world.dodi.email, name="X", role=Role.VIEWER)
    login(world.dodi).post(reverse("accounts:consent-answer", args=[offer.public_id]), {"decision": "decline"})
    offer.refresh_from_db()
    assert (offer.is_active, offer.awaiting_consent) == (False, False)
    assert [m.instansi_id for m in membership_list_for_user(user=world.dodi)] == [world.instansi_b.pk]
    with in_scope(world.instansi_a):
        event = AuditEvent.objects.get(verb="membership.consent_decline")
    assert (event.before["is_active"], event.after["is_active"]) == (True, False)


def test_only_the_invited_person_answers_an_offer(world: World, login) -> None:
    offer = services.membership_invite(actor=admin_a(world), email=world.dodi.email, name="X", role=Role.VIEWER)
    url = reverse("accounts:consent-answer", args=[offer.public_id])
    assert login(world.evi).post(url, {"decision": "accept"}).status_code == 404
    assert login(world.citra).post(url, {"decision": "accept"}).status_code == 404
    offer.refresh_from_db()
    assert offer.awaiting_consent
    assert login(world.dodi).post(url, {"decision": "accept"}).status_code == 302
    offer.refresh_from_db()
    assert not offer.awaiting_consent


def test_a_new_account_is_not_asked_for_consent(world: World) -> None:
    membership = services.membership_invite(
        actor=admin_a(world), email="baru@alfa.go.id", name="Baru", role=Role.VIEWER
    )
    assert not membership.awaiting_consent


def test_an_offer_does_not_rename_the_account(world: World) -> None:
    services.membership_invite(actor=admin_a(world), email=world.dodi.email, name="Nama Lain", role=Role.VIEWER)
    world.dodi.refresh_from_db()
    assert world.dodi.name == "Dodi Pratama"


@pytest.mark.parametrize("role", [Role.KEMENPANRB_ADMIN, Role.TPN_EVALUATOR])
def test_a_national_account_cannot_be_given_an_instansi_role(world: World, role: str) -> None:
    national = UserFactory(email="pejabat@menpan.go.id", name="Pejabat KemenPANRB")
    Membership.objects.create(user=national, instansi=None, role=role)
    with pytest.raises(ValidationError) as caught:
        services.membership_invite(actor=admin_a(world), email=national.email, name="", role=Role.VIEWER)
    assert caught.value.error_dict["email"][0].code == "account_national"
    assert Membership.objects.filter(user=national).count() == 1


def test_people_pages_show_nothing_of_an_account_used_elsewhere(world: World, login) -> None:
    # dodi (instansi B, logged in before, MFA enrolled) accepts a role in A.
    enrol_totp(world.dodi)
    login(world.dodi)
    User.objects.filter(pk=world.dodi.pk).update(last_login="2026-11-30T08:15:00+07:00")
    offer = services.membership_invite(actor=admin_a(world), email=world.dodi.email, name="X", role=Role.VIEWER)
    services.membership_consent_accept(user=world.dodi, membership=offer)
    client = login(world.citra)
    people = client.get(reverse("accounts:people-list")).content.decode()
    person = client.get(reverse("accounts:membership-update", args=[offer.public_id])).content.decode()
    for html in (people, person):
        assert "Dodi Pratama" in html  # the name is fine
        assert "30 Nov 2026" not in html
        assert "30 Nov. 2026" not in html
        assert 'data-testid="account-private"' in html
    # A person who works only here still shows both (the rule is not "hide for everybody").
    evi_row = client.get(reverse("accounts:membership-update", args=[admin_a(world).public_id])).content.decode()
    assert 'data-testid="account-private"' not in evi_row


def test_b_admin_sees_nothing_of_a_person_from_a(world: World, login) -> None:
    admin = admin_b(world)
    offer = services.membership_invite(actor=admin, email=world.evi.email, name="X", role=Role.VIEWER)
    client = Client()
    client.force_login(admin.user)
    html = client.get(reverse("accounts:membership-update", args=[offer.public_id])).content.decode()
    assert 'data-testid="account-private"' in html
