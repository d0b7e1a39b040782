"""allauth's pages render in our shell with Pico-styled elements, in Indonesian by default."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


def test_login_page_has_no_signup_and_offers_password_reset(db: None) -> None:
    page = Client().get(reverse("account_login")).content.decode()
    assert 'class="zi-entrance"' in page
    assert reverse("account_reset_password") in page
    assert "Lupa kata sandi" in page  # allauth's own Indonesian catalogue
    assert "signup" not in page
    assert 'autocomplete="email"' in page or 'type="email"' in page


def test_login_error_is_shown_in_the_form(world: World) -> None:
    response = Client().post(reverse("account_login"), {"login": world.ani.email, "password": "salah"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in page
    assert "zi-msg-error" in page


@pytest.mark.parametrize(
    "name",
    ["account_reset_password", "account_reset_password_done"],
)
def test_public_entrance_pages_render(db: None, name: str) -> None:
    response = Client().get(reverse(name))
    assert response.status_code == 200
    assert 'class="zi-entrance"' in response.content.decode()


def test_bad_reset_key_page_renders(db: None) -> None:
    response = Client().get(reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "bad-key"}))
    assert response.status_code == 200
    assert reverse("account_reset_password") in response.content.decode()


def test_manage_pages_render_inside_the_app_shell(world: World, login: Callable) -> None:
    client = login(world.citra)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    RecoveryCodes.activate(world.citra)
    for name in (
        "account_change_password",
        "account_logout",
        "mfa_index",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_deactivate_totp",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        page = response.content.decode()
        assert reverse("accounts:profile") in page, name  # the logged-in navigation is there
        assert 'style="' not in page, name  # strict CSP: no inline styles


def test_mfa_index_uses_pico_articles_and_buttons(world: World, login: Callable) -> None:
    page = login(world.citra).get(reverse("mfa_index")).content.decode()
    assert "<article>" in page
    assert 'role="button"' in page


def test_totp_activation_page_shows_the_qr_code(world: World, login: Callable) -> None:
    client = login(world.ani)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    assert 'class="zi-qr"' in page
    assert "Kode autentikator" in page


def test_mfa_code_page_renders_in_the_entrance_card(world: World) -> None:
    client = Client()
    client.post(reverse("account_login"), {"login": world.citra.email, "password": PASSWORD})
    response = client.get(reverse("mfa_authenticate"))
    assert response.status_code == 200
    assert 'class="zi-entrance"' in response.content.decode()
