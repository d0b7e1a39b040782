"""KemenPANRB sets an instansi's proposal quota through the API; the instansi's submit obeys it."""

from __future__ import annotations

import json

from django.test import Client

from apps.audit.models import AuditEvent
from apps.pengusulan.models import ProposalQuota
from tests.tpn.conftest import TPNWorld, bearer

URL = "/api/v1/instansi/{code}/kuota/"


def put(token: str, code: str, body: dict):
    return Client().put(URL.format(code=code), data=json.dumps(body), content_type="application/json", **bearer(token))


def test_kemenpanrb_sets_and_changes_a_quota(tpn: TPNWorld) -> None:
    code = tpn.world.instansi_a.code
    response = put(tpn.token_kemen, code, {"tahun": 2026, "max_units": 3})
    assert response.status_code == 200
    assert response.json() == {"instansi": code, "tahun": 2026, "max_units": 3}
    assert put(tpn.token_kemen, code, {"tahun": 2026, "max_units": 1}).status_code == 200
    assert ProposalQuota.unscoped.get(instansi=tpn.world.instansi_a, tahun=2026).max_units == 1
    assert AuditEvent.unscoped.filter(instansi=tpn.world.instansi_a, verb="pengusulan.quota_set").count() == 2


def test_a_tpn_evaluator_may_not_set_quotas(tpn: TPNWorld) -> None:
    response = put(tpn.token_tpn, tpn.world.instansi_a.code, {"tahun": 2026, "max_units": 3})
    assert response.status_code == 403
    assert response.json()["error"] is True
    assert not ProposalQuota.unscoped.exists()


def test_bad_input_names_the_field_and_writes_nothing(tpn: TPNWorld) -> None:
    response = put(tpn.token_kemen, tpn.world.instansi_a.code, {"tahun": 2026, "max_units": -1})
    assert response.status_code == 422
    assert "max_units" in response.json()["fields"]
    response = put(tpn.token_kemen, tpn.world.instansi_a.code, {"tahun": "dua ribu"})
    assert response.status_code == 422
    assert set(response.json()["fields"]) >= {"tahun", "max_units"}
    assert not ProposalQuota.unscoped.exists()


def test_unknown_instansi_is_a_404_in_the_error_format(tpn: TPNWorld) -> None:
    response = put(tpn.token_kemen, "tidak-ada", {"tahun": 2026, "max_units": 3})
    assert response.status_code == 404
    assert response.json()["code"] == "DATA_NOT_FOUND"
