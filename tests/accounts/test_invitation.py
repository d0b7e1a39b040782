"""The whole invitation journey: the admin invites, the email arrives, the link sets the password,
the person logs in. Expired, forged and used links are refused with a clear message."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.test import Client
from django.urls import reverse

from apps.accounts import views
from apps.accounts.forms import PASSWORDS_DIFFER
from apps.accounts.models import User
from apps.accounts.tokens import InvitationTokenGenerator, invitation_path
from apps.audit.models import AuditEvent
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from tests.accounts.conftest import invitation_path_from
from tests.conftest import PASSWORD, World

NEW_PASSWORD = "Zona-Integritas-2026!"

pytestmark = pytest.mark.django_db


def invite_through_the_page(world: World, login: Callable, *, email: str, role: str, unit: object = None) -> None:
    data = {"email": email, "name": "Fajar Nugroho", "role": role, "unit": unit.public_id if unit else ""}  # type: ignore[attr-defined]
    response = login(world.citra).post(reverse("accounts:membership-invite"), data)
    assert response.status_code == 302, response.content.decode()


def test_invitation_link_sets_the_password_and_the_person_logs_in(
    world: World, login: Callable, deliver_emails: Callable, in_scope: Callable
) -> None:
    invite_through_the_page(world, login, email="fajar@alfa.go.id", role=Role.TIM_KERJA, unit=world.unit_a2)
    assert deliver_emails(world.instansi_a) == 1
    (message,) = mail.outbox
    assert message.to == ["fajar@alfa.go.id"]
    assert "Kementerian Alfa" in message.subject
    html = message.alternatives[0].content  # type: ignore[union-attr]
    path = invitation_path_from(message)
    assert path in html  # the link is in both the plain and the HTML part

    browser = Client()
    page = browser.get(path)
    assert page.status_code == 200
    assert "fajar@alfa.go.id" in page.content.decode()
    response = browser.post(path, {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    assert str(views.PASSWORD_SET) in browser.get(response["Location"]).content.decode()
    fajar = User.objects.get(email="fajar@alfa.go.id")
    assert EmailAddress.objects.filter(user=fajar, email="fajar@alfa.go.id", verified=True, primary=True).exists()
    with in_scope(world.instansi_a):
        assert AuditEvent.objects.filter(verb="account.invitation_accept", actor=fajar).count() == 1

    login_response = browser.post(reverse("account_login"), {"login": "fajar@alfa.go.id", "password": NEW_PASSWORD})
    assert login_response.status_code == 302
    assert login_response["Location"] == reverse("core:dashboard")
    page = browser.get(reverse("accounts:profile"))
    assert page.status_code == 200
    assert "Biro Umum A2" in page.content.decode()  # working in the unit the admin chose


def test_a_used_link_is_refused(world: World, login: Callable, deliver_emails: Callable) -> None:
    invite_through_the_page(world, login, email="fajar@alfa.go.id", role=Role.VIEWER)
    deliver_emails(world.instansi_a)
    path = invitation_path_from(mail.outbox[0])
    Client().post(path, {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    again = Client().post(path, {"password": "Another-Pass-2026!", "password2": "Another-Pass-2026!"})
    assert again.status_code == 400
    assert str(views.INVITATION_INVALID) in again.content.decode()
    assert User.objects.get(email="fajar@alfa.go.id").check_password(NEW_PASSWORD)


def test_an_expired_link_is_refused_with_its_own_message(world: World, login: Callable) -> None:
    invite_through_the_page(world, login, email="fajar@alfa.go.id", role=Role.VIEWER)
    user = User.objects.get(email="fajar@alfa.go.id")

    class FourDaysAgo(InvitationTokenGenerator):
        def _now(self) -> datetime.datetime:
            return super()._now() - datetime.timedelta(days=4)

    token = FourDaysAgo().make_token(user)
    path = reverse("accounts:invitation-accept", kwargs={"public_id": user.public_id, "token": token})
    for response in (Client().get(path), Client().post(path, {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})):
        assert response.status_code == 400
        assert str(views.INVITATION_EXPIRED) in response.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_a_link_a_little_younger_than_the_timeout_still_works(world: World, login: Callable) -> None:
    invite_through_the_page(world, login, email="fajar@alfa.go.id", role=Role.VIEWER)
    user = User.objects.get(email="fajar@alfa.go.id")

    class TwoDaysAgo(InvitationTokenGenerator):
        def _now(self) -> datetime.datetime:
            return super()._now() - datetime.timedelta(days=2)

    path = reverse(
        "accounts:invitation-accept", kwargs={"public_id": user.public_id, "token": TwoDaysAgo().make_token(user)}
    )
    assert Client().get(path).status_code == 200


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("0" if token[-1] != "0" else "1"),  # one character changed
        lambda token: token.split("-")[0],  # truncated (copied incompletely)
        lambda token: "zzzzzzzzzzzzzzzz-" + token.split("-")[1],  # forged timestamp
    ],
    ids=["changed", "truncated", "forged-timestamp"],
)
def test_a_tampered_link_is_refused(world: World, login: Callable, tamper: Callable[[str], str]) -> None:
    invite_through_the_page(world, login, email="fajar@alfa.go.id", role=Role.VIEWER)
    user = User.objects.get(email="fajar@alfa.go.id")
    good = invitation_path(user)
    token = good.rstrip("/").rsplit("/", 1)[1]
    path = reverse("accounts:invitation-accept", kwargs={"public_id": user.public_id, "token": tamper(token)})
    response = Client().post(path, {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 400
    assert str(views.INVITATION_INVALID) in response.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_a_token_for_another_person_is_refused(world: World, login: Callable) -> None:
    invite_through_the_page(world, login, email="fajar@alfa.go.id", role=Role.VIEWER)
    invite_through_the_page(world, login, email="gita@alfa.go.id", role=Role.VIEWER)
    fajar = User.objects.get(email="fajar@alfa.go.id")
    gita = User.objects.get(email="gita@alfa.go.id")
    token = invitation_path(fajar).rstrip("/").rsplit("/", 1)[1]
    path = reverse("accounts:invitation-accept", kwargs={"public_id": gita.public_id, "token": token})
    assert Client().get(path).status_code == 400


def test_a_password_reset_token_is_not_an_invitation_token(world: World, login: Callable) -> None:
    invite_through_the_page(world, login, email="fajar@alfa.go.id", role=Role.VIEWER)
    user = User.objects.get(email="fajar@alfa.go.id")
    path = reverse(
        "accounts:invitation-accept",
        kwargs={"public_id": user.public_id, "token": default_token_generator.make_token(user)},
    )
    assert Client().get(path).status_code == 400


def test_weak_or_mismatched_passwords_are_refused_and_the_link_stays_valid(world: World, login: Callable) -> None:
    invite_through_the_page(world, login, email="fajar@alfa.go.id", role=Role.VIEWER)
    user = User.objects.get(email="fajar@alfa.go.id")
    path = invitation_path(user)
    mismatch = Client().post(path, {"password": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 200
    assert str(PASSWORDS_DIFFER) in mismatch.content.decode()
    weak = Client().post(path, {"password": "12345678", "password2": "12345678"})
    assert weak.status_code == 200
    assert 'aria-invalid="true"' in weak.content.decode()
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert Client().get(path).status_code == 200


def test_invited_tpi_must_enrol_two_factor_after_first_login(
    world: World, login: Callable, deliver_emails: Callable
) -> None:
    invite_through_the_page(world, login, email="gita@alfa.go.id", role=Role.TPI)
    deliver_emails(world.instansi_a)
    browser = Client()
    browser.post(invitation_path_from(mail.outbox[0]), {"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    browser.post(reverse("account_login"), {"login": "gita@alfa.go.id", "password": NEW_PASSWORD})
    response = browser.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa-required")


def test_existing_user_added_to_an_instansi_logs_in_with_the_old_password(
    world: World, login: Callable, deliver_emails: Callable
) -> None:
    invite_through_the_page(world, login, email=world.dodi.email, role=Role.VIEWER)
    deliver_emails(world.instansi_a)
    assert "/akun/undangan/" not in mail.outbox[0].body
    assert Membership.objects.filter(user=world.dodi, instansi=world.instansi_a, role=Role.VIEWER).exists()
    world.dodi.refresh_from_db()
    assert world.dodi.check_password(PASSWORD)
