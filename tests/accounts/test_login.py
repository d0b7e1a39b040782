"""Login hardening: password + TOTP, single-use recovery codes, mandatory enrolment, throttling,
password reset by email, logout, and sessions ending on a password change."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from apps.accounts.models import User
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from tests.conftest import PASSWORD, World, totp_code
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Zona-Integritas-2026!"


def password_step(user: User, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302
    return client


# -----------------------------------------------------------------------------
# Password + TOTP
# -----------------------------------------------------------------------------


def test_enrolled_user_needs_the_totp_code_after_the_password(world: World) -> None:
    client = Client()
    response = client.post(reverse("account_login"), {"login": world.citra.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    # Not logged in yet: the password alone reaches nothing.
    assert client.get(reverse("core:dashboard"))["Location"].startswith(reverse("account_login"))
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(world.totp_secrets["citra"])})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_a_wrong_totp_code_is_refused(world: World) -> None:
    client = password_step(world.citra)
    good = totp_code(world.totp_secrets["citra"])
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    with translation.override("id"):
        assert str(DefaultAccountAdapter.error_messages["incorrect_code"]) in response.content.decode()
    assert client.get(reverse("core:dashboard")).status_code == 302


def test_recovery_codes_work_once_each(world: World) -> None:
    codes = RecoveryCodes.activate(world.citra).get_unused_codes()
    first = password_step(world.citra)
    assert first.post(reverse("mfa_authenticate"), {"code": codes[0]})["Location"] == reverse("core:dashboard")
    assert first.get(reverse("accounts:profile")).status_code == 200

    second = password_step(world.citra)
    response = second.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 200  # refused: the form is shown again
    assert second.get(reverse("core:dashboard")).status_code == 302
    assert second.post(reverse("mfa_authenticate"), {"code": codes[1]})["Location"] == reverse("core:dashboard")
    assert len(RecoveryCodes(RecoveryCodes.activate(world.budi).instance).get_unused_codes()) == 10
    citra_codes = world.citra.authenticator_set.get(type="recovery_codes")
    assert len(RecoveryCodes(citra_codes).get_unused_codes()) == len(codes) - 2


# -----------------------------------------------------------------------------
# Mandatory enrolment
# -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "with_unit", "national"),
    [
        (Role.TPI, False, False),
        (Role.ADMIN_ZI, False, False),
        (Role.PIMPINAN_INSTANSI, False, False),
        (Role.PIMPINAN_UNIT, True, False),
        (Role.TPN_EVALUATOR, False, True),
    ],
)
def test_unenrolled_privileged_roles_reach_no_page_until_enrolled(
    world: World, role: str, with_unit: bool, national: bool
) -> None:
    person = UserFactory(email="baru@alfa.go.id")
    Membership.objects.create(
        user=person,
        instansi=None if national else world.instansi_a,
        unit=world.unit_a1 if with_unit else None,
        role=role,
    )
    client = password_step(person)
    for name in ("core:dashboard", "accounts:profile", "notifications:list", "accounts:people-list"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"] == reverse("accounts:mfa-required"), name

    # Enrol: allauth asks for the password again, shows a secret, and wants a code from it.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_roles_without_mandatory_mfa_go_straight_in(world: World) -> None:
    client = password_step(world.ani)
    assert client.get(reverse("accounts:profile")).status_code == 200


# -----------------------------------------------------------------------------
# Throttling
# -----------------------------------------------------------------------------


def test_failed_logins_for_one_account_are_throttled_even_with_the_right_password(world: World) -> None:
    client = Client()
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": world.ani.email, "password": "salah-sekali"})
    response = client.post(reverse("account_login"), {"login": world.ani.email, "password": PASSWORD})
    assert response.status_code == 200  # refused, not logged in
    with translation.override("id"):
        message = str(DefaultAccountAdapter.error_messages["too_many_login_attempts"])
    assert message != "Too many failed login attempts. Try again later."  # really the Indonesian text
    assert message in response.content.decode()
    assert client.get(reverse("core:dashboard")).status_code == 302


def test_repeated_failed_logins_end_in_a_429_with_the_indonesian_message(world: World) -> None:
    client = Client()
    statuses = [
        client.post(reverse("account_login"), {"login": f"tebak{n}@alfa.go.id", "password": "salah"}).status_code
        for n in range(30)
    ]
    assert set(statuses) == {200}
    response = client.post(reverse("account_login"), {"login": world.ani.email, "password": PASSWORD})
    assert response.status_code == 429
    assert response.headers["Content-Language"] == "id"
    page = response.content.decode()
    with translation.override("id"):
        message = str(DefaultAccountAdapter.error_messages["rate_limited"])
    assert message != "Be patient, you are sending too many requests."
    assert message in page
    assert 'data-testid="rate-limited"' in page


# -----------------------------------------------------------------------------
# Password reset, logout, password change
# -----------------------------------------------------------------------------


def test_password_reset_by_email(world: World) -> None:
    client = Client()
    response = client.post(reverse("account_reset_password"), {"email": world.ani.email})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [world.ani.email]
    link = re.search(r"http://\S+/akun/password/reset/key/\S+/", message.body)
    assert link, message.body
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 302  # allauth moves the key out of the URL into the session
    form_url = response["Location"]
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    world.ani.refresh_from_db()
    assert world.ani.check_password(NEW_PASSWORD)
    assert password_step(world.ani, NEW_PASSWORD).get(reverse("accounts:profile")).status_code == 200


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(world: World) -> None:
    known = Client().post(reverse("account_reset_password"), {"email": world.ani.email})
    unknown = Client().post(reverse("account_reset_password"), {"email": "tidak-ada@alfa.go.id"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox if m.to == [world.ani.email]] == [[world.ani.email]]


def test_logout(world: World, login: Callable) -> None:
    client = login(world.ani)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard"))["Location"].startswith(reverse("account_login"))


def test_password_change_ends_every_session(world: World) -> None:
    here = password_step(world.ani)
    elsewhere = password_step(world.ani)
    response = here.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    for client in (here, elsewhere):
        assert client.get(reverse("core:dashboard"))["Location"].startswith(reverse("account_login"))
    assert password_step(world.ani, NEW_PASSWORD).get(reverse("accounts:profile")).status_code == 200


def test_an_invitee_whose_link_expired_can_use_forgot_password(world: World) -> None:
    invited = UserFactory(email="undangan@alfa.go.id", password=None)
    Membership.objects.create(user=invited, instansi=world.instansi_a, role=Role.VIEWER)
    Client().post(reverse("account_reset_password"), {"email": invited.email})
    assert [m.to for m in mail.outbox] == [[invited.email]]
    assert "/akun/password/reset/key/" in mail.outbox[0].body
