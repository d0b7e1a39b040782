"""A larger-text setting that persists (issue 21)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from tests.conftest import World

URL = reverse("core:text-size")


def test_larger_text_is_kept_for_later_visits_and_can_be_undone(world: World, login) -> None:
    client = login(world.ani)
    response = client.post(URL, {"size": "large", "next": reverse("core:dashboard")})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    assert response.cookies["zi_text"]["max-age"] == 365 * 24 * 3600
    page = client.get(reverse("core:dashboard")).content.decode()
    assert '<html lang="id" class="zi-text-large">' in page
    assert 'data-testid="text-normal"' in page
    client.post(URL, {"size": "normal", "next": "/"})
    assert '<html lang="id">' in client.get(reverse("core:dashboard")).content.decode()


def test_anyone_may_choose_it_but_nothing_else(db: None) -> None:
    client = Client()
    assert client.get(URL).status_code == 405
    # Before logging in too (the login page grows), and never a redirect off the site.
    response = client.post(URL, {"size": "large", "next": "https://jahat.example/"})
    assert response["Location"] == "/"
    assert response.cookies["zi_text"].value == "large"
    odd = client.post(URL, {"size": "raksasa", "next": "/akun/login/"})
    assert "zi_text" not in odd.cookies
    assert 'class="zi-text-large"' in client.get("/akun/login/").content.decode()
