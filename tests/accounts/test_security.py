"""ASVS authentication items beyond the login page itself: the platform admin's entrance (allauth's
lockout and MFA, never Django's bare password form), production cookie flags, and sessions that end
when the password is reset."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from allauth.account.adapter import DefaultAccountAdapter
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from apps.accounts.models import User
from apps.accounts.security_log import identifier_digest
from tests.conftest import PASSWORD, World, enrol_totp, totp_code
from tests.factories import UserFactory
from tests.ops.helpers import production_env, run_manage

pytestmark = pytest.mark.django_db

ADMIN = "/admin-platform/"
NEW_PASSWORD = "Zona-Integritas-2026!"


@pytest.fixture
def staff() -> User:
    return UserFactory(email="platform@zi.go.id", name="Admin Platform", is_staff=True, is_superuser=True)


def test_the_admin_login_sends_everyone_to_allauth(staff: User) -> None:
    client = Client()
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('account_login')}?next={ADMIN}"
    assert response.status_code == 200

    # Posting a correct password to the admin's own login URL signs nobody in.
    response = client.post(reverse("admin:login"), {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(ADMIN)["Location"].startswith(reverse("admin:login"))


def test_the_admin_login_keeps_only_local_next_urls(staff: User) -> None:
    response = Client().get(reverse("admin:login"), {"next": "https://jahat.example.com/"})
    assert response["Location"] == f"{reverse('account_login')}?next={ADMIN}"


def test_staff_are_locked_out_after_repeated_failures_with_the_indonesian_message(staff: User) -> None:
    enrol_totp(staff)
    client = Client()
    login_url = f"{reverse('account_login')}?next={ADMIN}"
    for _attempt in range(5):
        response = client.post(login_url, {"login": staff.email, "password": "tebak-tebakan"})
        assert response.status_code == 200
    response = client.post(login_url, {"login": staff.email, "password": PASSWORD})
    assert response.status_code == 200  # the right password is refused while locked out
    with translation.override("id"):
        message = str(DefaultAccountAdapter.error_messages["too_many_login_attempts"])
    assert "Terlalu banyak" in message
    assert message in response.content.decode()
    assert client.get(ADMIN).status_code == 302


def test_staff_reach_the_admin_after_password_and_totp(staff: User) -> None:
    secret = enrol_totp(staff)
    client = Client()
    response = client.post(f"{reverse('account_login')}?next={ADMIN}", {"login": staff.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(ADMIN).status_code == 302  # the password alone is not enough
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_staff_without_mfa_must_enrol_before_the_admin(staff: User) -> None:
    client = Client()
    client.force_login(staff)
    response = client.get(ADMIN)
    assert response["Location"] == reverse("accounts:mfa-required")


def test_a_member_who_is_not_staff_is_refused_at_the_admin_login(world: World, login) -> None:
    client = login(world.ani)
    assert client.get(ADMIN)["Location"].startswith(reverse("admin:login"))
    assert client.get(reverse("admin:login")).status_code == 403


def test_production_cookies_are_secure_httponly_and_samesite(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
        "s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_SAMESITE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE, s.SESSION_COOKIE_AGE)"
    )
    proc = run_manage("shell", "--no-imports", "-c", code, env=production_env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "True", "Lax", "True", "Lax", "True", "31536000", "True", "28800"]


def test_a_password_reset_ends_every_other_session(world: World) -> None:
    elsewhere = Client()
    elsewhere.post(reverse("account_login"), {"login": world.ani.email, "password": PASSWORD})
    assert elsewhere.get(reverse("accounts:profile")).status_code == 200

    client = Client()
    client.post(reverse("account_reset_password"), {"email": world.ani.email})
    link = re.search(r"http://\S+(/akun/password/reset/key/\S+/)", mail.outbox[-1].body)
    assert link
    form_url = client.get(link.group(1))["Location"]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    world.ani.refresh_from_db()
    assert world.ani.check_password(NEW_PASSWORD)
    assert elsewhere.get(reverse("accounts:profile"))["Location"].startswith(reverse("account_login"))


def test_authentication_events_are_logged_without_what_was_typed(world: World, caplog) -> None:
    caplog.set_level("INFO", logger="zi.security")
    client = Client()
    client.post(reverse("account_login"), {"login": world.ani.email, "password": "salah-ketik-rahasia"})
    client.post(reverse("account_login"), {"login": world.ani.email, "password": PASSWORD})
    client.post(reverse("account_logout"))
    lines = [r.getMessage() for r in caplog.records if r.name == "zi.security"]
    assert lines == [
        f"login_failed account={identifier_digest(world.ani.email)} client=127.0.0.1",
        f"login user={world.ani.public_id} client=127.0.0.1",
        f"logout user={world.ani.public_id} client=127.0.0.1",
    ]
    assert not any("salah-ketik" in line or world.ani.email in line for line in lines)
