"""The page banner's Redis probe (apps/core/context_processors.py): a page whose request already
reached Redis (the signed-in session load) learns from it that Redis is up and makes no second round
trip; a page whose request did not (anonymous) still probes. tests/faults/test_degrade.py covers the
banner itself with Redis really down."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from tests.conftest import World


@pytest.fixture
def probes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every key the default cache is asked for, recorded on the way to the real cache."""
    asked: list[str] = []
    backend = type(caches["default"])
    real_get = backend.get

    def recording_get(self: Any, key: str, *args: Any, **kwargs: Any) -> Any:
        asked.append(key)
        return real_get(self, key, *args, **kwargs)

    monkeypatch.setattr(backend, "get", recording_get)
    return asked


def test_an_anonymous_page_probes_redis(world: World, probes: list[str]) -> None:
    page = Client().get(reverse("account_login"))
    assert page.status_code == 200
    assert "zi:probe" in probes


def test_a_signed_in_page_learns_it_from_its_session(
    world: World, login: Callable[[User], Client], probes: list[str]
) -> None:
    client = login(world.ani)
    page = client.get(reverse("core:dashboard"))
    assert page.status_code == 200
    redis_backed = hasattr(caches["default"], "answered_this_request")
    # With Redis (the production cache) the session load answered: no probe. Without it (the embedded
    # mode's local cache) there is nothing to learn from, and the probe stays.
    assert ("zi:probe" in probes) is not redis_backed
    probes.clear()
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert ("zi:probe" in probes) is not redis_backed  # every request on its own, not once per process
