"""Shared support for the schemathesis runs over our own OpenAPI document (tests/portalrb,
tests/tpn): requests go straight into the WSGI app in the test's thread."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@pytest.fixture
def keep_the_test_connection() -> Iterator[None]:
    """Keep Django from closing the test's database connection at the end of each request (what
    Django's own test client does too)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def api_operations(path_regex: str, *, expected: int) -> list[Any]:
    """The operations of our schema under ``path_regex``; their number is pinned so an endpoint
    missing from the schema fails loudly."""
    from zi.wsgi import application  # noqa: PLC0415  (settings-dependent: building the WSGI app sets Django up)

    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    operations = [result.ok() for result in schema.include(path_regex=path_regex).get_all_operations()]
    assert len(operations) == expected, f"{expected} operations under {path_regex} must be in the schema"
    return operations


@pytest.fixture
def unthrottled_national_api(settings: Any) -> None:
    """The fuzzers are one client sending hundreds of calls: the /api/v1/ rate limit (its own test is
    tests/core/test_hardening.py) would answer 429 to most of them."""
    settings.ZI_NATIONAL_API_RATE = "100000/min"
