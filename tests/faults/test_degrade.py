"""Degrade, don't crash (issue 19 item 5).

Redis: the test starts a redis-server of its own, points the cache at it and kills it. Login and
PortalRB still answer, their rate limits still bite (counted per process), and the page says what is
unavailable; the health endpoint says "degraded" and recovers once Redis is back.

PostgreSQL: the connection is pointed at a port where nothing listens (the database is gone).
Every request answers 503 — the HTML page, or the API's JSON error body — never a 500.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from apps.core import cache as zi_cache
from apps.portalrb.services import portalrb_token_issue
from tests.conftest import World
from tests.outbox.conftest import OwnRedis, _free_port

PASSWORD = "rahasia-ZI-2026"  # tests/factories.py
REDIS_NOTICE = "Server antrean dan tembolok (Redis) tidak dapat dihubungi"


@pytest.fixture
def cache_redis(tmp_path: Path, settings) -> Iterator[OwnRedis]:
    server = OwnRedis(port=_free_port(), workdir=tmp_path)
    server.start()
    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"], "LOCATION": server.url}}
    zi_cache._down_until.clear()
    try:
        yield server
    finally:
        server.stop()
        zi_cache._down_until.clear()


def test_login_answers_with_redis_down_and_its_throttle_still_bites(
    world: World, cache_redis: OwnRedis, settings
) -> None:
    client = Client()
    assert REDIS_NOTICE not in client.get(reverse("account_login")).content.decode()
    cache_redis.stop()

    page = client.get(reverse("account_login"))
    assert page.status_code == 200
    assert REDIS_NOTICE in page.content.decode()  # the page says what is unavailable
    for _attempt in range(5):  # the per-account limit: 5 failures in 5 minutes
        wrong = client.post(reverse("account_login"), {"login": world.ani.email, "password": "salah-sekali-123"})
        assert wrong.status_code == 200
    refused = client.post(reverse("account_login"), {"login": world.ani.email, "password": PASSWORD})
    assert refused.status_code in {200, 429}
    assert "Terlalu banyak percobaan masuk yang gagal" in refused.content.decode()
    # Another account is not throttled: it signs in, and its dashboard says what is unavailable.
    other = Client()
    signed_in = other.post(reverse("account_login"), {"login": world.evi.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    dashboard = other.get(reverse("core:dashboard"))
    assert dashboard.status_code == 200
    assert REDIS_NOTICE in dashboard.content.decode()


def test_portalrb_answers_with_redis_down_and_its_rate_limit_still_bites(
    world: World, in_scope, cache_redis: OwnRedis, settings
) -> None:
    with in_scope(world.instansi_a):
        issued = portalrb_token_issue(instansi=world.instansi_a, actor=None)
    settings.ZI_PORTALRB_RATE = "3/min"
    cache_redis.stop()
    client = Client()
    url = reverse("portalrb_api:unit-wbk")
    answers = [client.get(url, HTTP_AUTHORIZATION=f"Bearer {issued.raw}") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].json()["units"] == []
    body = answers[3].json()
    assert body["error"] is True
    assert body["code"] == "RATE_LIMITED"
    assert int(answers[3]["Retry-After"]) >= 1


def test_health_says_degraded_while_redis_is_down_and_recovers(
    world: World, cache_redis: OwnRedis, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(zi_cache, "DEGRADED_SECONDS", 0.5)
    client = Client()
    assert client.get(reverse("core:health")).json()["cache"] == "ok"
    cache_redis.stop()
    down = client.get(reverse("core:health"))
    assert down.status_code == 200  # the web still serves: no restart for a Redis outage
    assert down.json()["status"] == "degraded"
    assert down.json()["cache"].startswith("unavailable")
    cache_redis.start()
    time.sleep(0.6)
    back = client.get(reverse("core:health")).json()
    assert back["cache"] == "ok"
    assert back["status"] == "ok"


def _dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again: nothing listens there


@pytest.mark.django_db(transaction=True)
def test_with_the_database_gone_every_request_answers_503(world: World) -> None:
    browser = Client(raise_request_exception=False)
    browser.force_login(world.ani)
    api = Client(raise_request_exception=False)
    saved = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = _dead_port()
    try:
        page = browser.get(reverse("core:dashboard"))
        portalrb = api.get(reverse("portalrb_api:unit-wbk"), HTTP_AUTHORIZATION="Bearer zi_prb_" + "x" * 43)
        national = api.get("/api/v1/pengusulan/", HTTP_AUTHORIZATION="Bearer zi_tpn_" + "x" * 43)
        health = api.get(reverse("core:health"))
    finally:
        connection.close()
        connection.settings_dict["PORT"] = saved
    assert page.status_code == 503
    assert page["Content-Type"].startswith("text/html")
    assert "Layanan sementara tidak tersedia" in page.content.decode()
    assert page["Retry-After"] == "30"
    for response in (portalrb, national):
        assert response.status_code == 503
        body = response.json()
        assert body["error"] is True
        assert body["code"] == "SERVICE_UNAVAILABLE"
        assert body["message"]
    assert health.status_code == 503
    assert health.json()["database"] == "unavailable"
    assert browser.get(reverse("core:dashboard")).status_code == 200  # back once the database is
