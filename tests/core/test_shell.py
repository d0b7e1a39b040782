"""The shell: login page in Indonesian, dashboard, membership switcher, MFA enforcement."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from tests.conftest import PASSWORD, World


def test_login_page_is_indonesian_by_default(db: None) -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("account_login"))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "id"
    assert "Masuk" in response.content.decode()


def test_language_switch_to_english(db: None) -> None:
    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/akun/login/"})
    assert response.status_code == 302
    page = client.get(reverse("account_login")).content.decode()
    assert "Sign In" in page


def test_home_redirects_anonymous_to_login(db: None) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")


def test_dashboard_for_operator(world: World, login: Callable[[User], Client]) -> None:
    response = login(world.ani).get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert "Direktorat Pelayanan A1" in response.content.decode()


def test_privileged_role_without_mfa_is_sent_to_enrol(world: World, login: Callable[[User], Client]) -> None:
    Membership.objects.create(user=world.ani, instansi=world.instansi_a, role=Role.PIMPINAN_UNIT, unit=world.unit_a1)
    response = login(world.ani).get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa-required")
    client = Client()
    client.post(reverse("account_login"), {"login": world.ani.email, "password": PASSWORD})
    assert client.get(reverse("core:dashboard"))["Location"] == reverse("accounts:mfa-required")
    # allauth asks for the password once more before any MFA change (reauthentication).
    assert client.get(reverse("mfa_activate_totp")).status_code == 302
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "Kode autentikator" in page.content.decode()


def test_privileged_role_with_mfa_passes(world: World, login: Callable[[User], Client]) -> None:
    assert login(world.citra).get(reverse("core:dashboard")).status_code == 200


def test_switching_to_a_membership_of_someone_else_is_404(world: World, login: Callable[[User], Client]) -> None:
    other = Membership.objects.get(user=world.dodi)
    response = login(world.ani).post(reverse("core:membership-switch", args=[other.public_id]))
    assert response.status_code == 404


def test_switching_membership_changes_the_scope(world: World, login: Callable[[User], Client]) -> None:
    second = Membership.objects.create(user=world.ani, instansi=world.instansi_b, role=Role.VIEWER)
    client = login(world.ani)
    client.post(reverse("core:membership-switch", args=[second.public_id]))
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "Pemerintah Kota Beta" in page
