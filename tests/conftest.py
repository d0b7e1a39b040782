"""The two-instansi world and its personas (STYLE §4.10), shared by every test.

* **ani** — tim kerja (operator) of unit A1, instansi A
* **budi** — TPI reviewer (Inspektorat), instansi A (MFA enrolled)
* **citra** — admin ZI, instansi A (MFA enrolled)
* **evi** — read-only member, instansi A
* **dodi** — tim kerja of unit B1, instansi B: **the outsider**

Use ``world`` for the objects and ``login(persona)`` for a logged-in test client.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from apps.accounts.models import User
from apps.tenancy.models import Instansi, InstansiKind, Membership
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from apps.unit_kerja.models import UnitKerja, UnitKind
from tests.factories import MembershipFactory, UnitKerjaFactory, UserFactory

# Browser fixtures (browser, page, phone_page) are shared by every folder: one Chromium per run.
pytest_plugins = ["tests.browser_fixtures", "tests.clamav_fixtures"]

PASSWORD = "rahasia-ZI-2026"


@dataclass
class World:
    instansi_a: Instansi
    instansi_b: Instansi
    unit_a1: UnitKerja
    unit_a2: UnitKerja
    unit_b1: UnitKerja
    ani: User
    budi: User
    citra: User
    evi: User
    dodi: User
    totp_secrets: dict[str, str]

    def membership(self, user: User) -> Membership:
        return Membership.objects.get(user=user)


def enrol_totp(user: User) -> str:
    """Give a user a TOTP authenticator, as if they had enrolled; returns the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


@pytest.fixture
def world(db: None) -> World:
    instansi_a = Instansi.objects.create(code="kemen-a", name="Kementerian Alfa", kind=InstansiKind.KEMENTERIAN)
    instansi_b = Instansi.objects.create(
        code="kota-b", name="Pemerintah Kota Beta", kind=InstansiKind.KOTA, province="32"
    )
    unit_a1 = UnitKerjaFactory(instansi=instansi_a, code="A1", name="Direktorat Pelayanan A1", kind=UnitKind.ESELON_II)
    unit_a2 = UnitKerjaFactory(instansi=instansi_a, code="A2", name="Biro Umum A2", kind=UnitKind.ESELON_II)
    unit_b1 = UnitKerjaFactory(instansi=instansi_b, code="B1", name="Dinas Perizinan B1", kind=UnitKind.DINAS)

    def person(email: str, name: str) -> User:
        return UserFactory(email=email, name=name)

    ani = person("ani@alfa.go.id", "Ani Lestari")
    budi = person("budi@alfa.go.id", "Budi Santoso")
    citra = person("citra@alfa.go.id", "Citra Dewi")
    evi = person("evi@alfa.go.id", "Evi Rahma")
    dodi = person("dodi@beta.go.id", "Dodi Pratama")
    MembershipFactory(user=ani, instansi=instansi_a, unit=unit_a1, role=Role.TIM_KERJA)
    MembershipFactory(user=budi, instansi=instansi_a, role=Role.TPI)
    MembershipFactory(user=citra, instansi=instansi_a, role=Role.ADMIN_ZI)
    MembershipFactory(user=evi, instansi=instansi_a, role=Role.VIEWER)
    MembershipFactory(user=dodi, instansi=instansi_b, unit=unit_b1, role=Role.TIM_KERJA)
    secrets = {"budi": enrol_totp(budi), "citra": enrol_totp(citra)}
    return World(instansi_a, instansi_b, unit_a1, unit_a2, unit_b1, ani, budi, citra, evi, dodi, secrets)


@pytest.fixture
def login(world: World) -> Callable[[User], Client]:
    """``login(world.ani)`` → a test client logged in as that persona."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def english_ui(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Pages and the test itself in English, for tests that compare interface text with message
    constants or English msgids."""
    monkeypatch.setattr("apps.core.middleware.chosen_language", lambda request: "en")
    with translation.override("en"):
        yield


@pytest.fixture
def in_scope() -> Callable[[Instansi], object]:
    """``with in_scope(world.instansi_a): ...`` opens the tenant scope, like a request would."""

    def make(instansi: Instansi) -> object:
        return scope(instansi.pk)

    return make


@pytest.fixture(autouse=True)
def _media_root(tmp_path: Path, settings: object) -> None:
    """Every test writes uploads and reports into its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    """Rate-limit counters and cached values never leak from one test into the next."""
    # Only this run's keys (KEY_PREFIX is per process): ``cache.clear()`` would FLUSHDB the Redis
    # database that also holds the Celery queues, dropping the messages of a test run in parallel.
    import redis  # noqa: PLC0415  (Redis: a client only when the cache is Redis, never in the embedded mode)
    from django.conf import settings  # noqa: PLC0415  (the name is pytest-django's settings fixture in this module)

    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        # The embedded mode (zi.settings.test_embedded): a local-memory cache of this process only.
        cache.clear()
        return
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def totp_code(secret: str) -> str:
    """The current six-digit code for a TOTP secret, as an authenticator app would show it.

    A person reads the code with time to type it; near the end of a period the code may expire
    before it is checked, so this waits for the next period then (like a person would).
    """
    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 5:
        time.sleep(left + 0.05)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


__all__ = ["PASSWORD", "World", "enrol_totp", "totp_code"]
