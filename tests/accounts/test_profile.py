"""The profile (name, language) and the header's language switch remembering the choice."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from apps.accounts import views
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_profile_shows_name_language_and_roles(world: World, login: Callable) -> None:
    response = login(world.ani).get(reverse("accounts:profile"))
    assert response.status_code == 200
    page = response.content.decode()
    assert world.ani.email in page
    assert "Direktorat Pelayanan A1" in page
    assert response.context["form"].initial == {"name": "Ani Lestari", "language": "id"}


def test_saving_english_switches_immediately_and_is_remembered(world: World, login: Callable) -> None:
    client = login(world.ani)
    response = client.post(reverse("accounts:profile"), {"name": "Ani L.", "language": "en"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    world.ani.refresh_from_db()
    assert (world.ani.name, world.ani.language) == ("Ani L.", "en")
    page = client.get(response["Location"])
    assert page.headers["Content-Language"] == "en"
    with translation.override("en"):
        assert str(views.PROFILE_SAVED) in page.content.decode()
    # Another browser without the cookie follows the saved preference.
    assert login(world.ani).get(reverse("accounts:profile")).headers["Content-Language"] == "en"


def test_profile_bad_input_saves_nothing(world: World, login: Callable) -> None:
    client = login(world.ani)
    for data, field in (({"name": "", "language": "en"}, "name"), ({"name": "Ani", "language": "fr"}, "language")):
        response = client.post(reverse("accounts:profile"), data)
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    world.ani.refresh_from_db()
    assert (world.ani.name, world.ani.language) == ("Ani Lestari", "id")


def test_profile_needs_login_and_get_or_post(world: World, login: Callable) -> None:
    response = Client().get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert login(world.ani).put(reverse("accounts:profile")).status_code == 405


def test_profile_shows_only_the_persons_own_roles(world: World, login: Callable) -> None:
    page = login(world.dodi).get(reverse("accounts:profile")).content.decode()
    assert "Dinas Perizinan B1" in page
    assert "Kementerian Alfa" not in page


def test_header_switch_saves_the_language_of_a_logged_in_person(world: World, login: Callable) -> None:
    client = login(world.evi)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:profile")})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    world.evi.refresh_from_db()
    assert world.evi.language == "en"


def test_header_switch_ignores_an_unsupported_language(world: World, login: Callable) -> None:
    client = login(world.evi)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    world.evi.refresh_from_db()
    assert world.evi.language == "id"


def test_header_switch_works_anonymously(db: None) -> None:
    response = Client().post(reverse("set_language"), {"language": "en", "next": reverse("account_login")})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
