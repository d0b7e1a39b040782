"""Schemathesis over /api/portalrb/: requests generated from our own OpenAPI document, sent with
instansi A's token and with none. No server error; every response is documented and matches its
schema; without a token, the contract's 401 body.

(Driven through schemathesis' Python API — one hypothesis run per operation — because its pytest
plugin does not yet support pytest 9.)
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from tests.api_support import SETTINGS, api_operations, keep_the_test_connection  # noqa: F401  (fixture)
from tests.portalrb.conftest import PRBWorld

pytestmark = pytest.mark.usefixtures("keep_the_test_connection")


def _operations():
    return api_operations("^/api/portalrb/", expected=3)


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
