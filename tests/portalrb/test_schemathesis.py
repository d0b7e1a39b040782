"""Schemathesis over /api/portalrb/: requests generated from our own OpenAPI document, sent with
instansi A's token and with none. No server error; every response is documented and matches its
schema; without a token, the contract's 401 body.

(Driven through schemathesis' Python API — one hypothesis run per operation — because its pytest
plugin does not yet support pytest 9.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from tests.portalrb.conftest import PRBWorld

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """Requests go straight into the WSGI app in this thread: keep Django from closing the test's
    database connection at the end of each one (what Django's own test client does too)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _operations():
    from zi.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    operations = [result.ok() for result in schema.include(path_regex="^/api/portalrb/").get_all_operations()]
    assert len(operations) == 3, "the three PortalRB endpoints must be in the schema"
    return operations


def test_portalrb_api_conforms_to_its_schema(prb: PRBWorld) -> None:
    for operation in _operations():

        @SETTINGS
        @given(case=operation.as_strategy())
        def check(case) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {prb.token_a}"}
            case.call_and_validate()

        check()


def test_portalrb_api_without_token_is_the_contract_401(prb: PRBWorld) -> None:
    for operation in _operations():

        @settings(SETTINGS, max_examples=10)
        @given(case=operation.as_strategy())
        def check(case) -> None:
            response = case.call()
            assert response.status_code == 401
            body = response.json()
            assert body["error"] is True
            assert body["code"] == "UNAUTHORIZED"

        check()
