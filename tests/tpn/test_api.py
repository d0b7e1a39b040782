"""/api/v1/ through HTTP: token auth, list filters and cursor pagination, documents, writes."""

from __future__ import annotations

import uuid

from allauth.mfa.models import Authenticator
from django.test import Client

from apps.audit.models import AuditEvent
from apps.pengusulan.models import PredikatUnit
from apps.penilaian.models import Jawaban, Tier
from apps.tenancy.models import Membership
from apps.tpn.auth import INVALID_TOKEN, NOT_NATIONAL
from apps.tpn.models import TPNResult
from apps.tpn.services import api_token_issue, api_token_revoke
from tests.tpn.conftest import TPNWorld, bearer

LIST = "/api/v1/pengusulan/"


def detail(p) -> str:
    return f"/api/v1/pengusulan/{p.public_id}/"


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] is True
    assert body["code"] == code
    assert body["message"]
    return body


def test_auth_cases(tpn: TPNWorld) -> None:
    client = Client()
    assert_error(client.get(LIST), 401, "UNAUTHORIZED")
    body = assert_error(client.get(LIST, **bearer("zi_tpn_wrong")), 401, "UNAUTHORIZED")
    assert body["message"] == str(INVALID_TOKEN)
    # A national user without a second factor: 403.
    Authenticator.objects.filter(user=tpn.tina).delete()
    body = assert_error(client.get(LIST, **bearer(tpn.token_tpn)), 403, "FORBIDDEN")
    assert body["message"] == str(NOT_NATIONAL)
    # A deactivated national membership: 403. A revoked token: 401.
    Membership.objects.filter(user=tpn.kemal).update(is_active=False)
    assert_error(client.get(LIST, **bearer(tpn.token_kemen)), 403, "FORBIDDEN")
    Membership.objects.filter(user=tpn.kemal).update(is_active=True)
    assert client.get(LIST, **bearer(tpn.token_kemen)).status_code == 200
    token = api_token_issue(user=tpn.kemal, name="x")
    api_token_revoke(user=tpn.kemal, token=token.token)
    assert_error(client.get(LIST, **bearer(token.raw)), 401, "UNAUTHORIZED")
    # The PortalRB token of an instansi is not a national token.
    assert_error(client.get(LIST, **bearer(tpn.prb.token_a)), 401, "UNAUTHORIZED")
    assert_error(client.delete(LIST, **bearer(tpn.token_kemen)), 405, "METHOD_NOT_ALLOWED")


def test_list_filters_and_cursor_pagination(tpn: TPNWorld) -> None:
    client = Client()
    body = client.get(LIST, {"limit": 1}, **bearer(tpn.token_kemen)).json()
    seen = [row["id"] for row in body["results"]]
    while body["next"]:
        body = client.get(body["next"], **bearer(tpn.token_kemen)).json()
        seen += [row["id"] for row in body["results"]]
    assert sorted(seen) == sorted(str(p.public_id) for p in (tpn.prb.wbk, tpn.prb.wbbm, tpn.prb.b1))
    assert len(seen) == 3
    rows = client.get(LIST, {"province": "32"}, **bearer(tpn.token_kemen)).json()["results"]
    assert [r["id"] for r in rows] == [str(tpn.prb.b1.public_id)]
    assert rows[0]["instansi"]["province"] == "32"
    assert rows[0]["stage"] == "proposed"
    rows = client.get(LIST, {"predikat": "WBBM", "instansi_kind": "kementerian"}, **bearer(tpn.token_kemen))
    assert [r["kategori"] for r in rows.json()["results"]] == ["WBBM-AFIRMASI"]
    body = assert_error(client.get(LIST, {"tahun": "abc"}, **bearer(tpn.token_kemen)), 422, "VALIDATION_ERROR")
    assert "tahun" in body["fields"]
    assert_error(client.get(LIST, {"cursor": "bogus"}, **bearer(tpn.token_kemen)), 404, "DATA_NOT_FOUND")
    body = assert_error(client.get(LIST, {"limit": "lima"}, **bearer(tpn.token_kemen)), 422, "VALIDATION_ERROR")
    assert "limit" in body["fields"]


def test_detail_answers_and_unit_documents(tpn: TPNWorld) -> None:
    client = Client()
    body = client.get(detail(tpn.prb.wbk), **bearer(tpn.token_tpn)).json()
    assert body["instansi"]["code"] == "kemen-a"
    assert body["unit"]["code"] == "A1"
    assert body["snapshot"]["sha256"]
    assert set(body["scores"]) >= {"unit", "tpi1", "tpi2"}
    assert body["results"] == []
    assert body["stage"] == "proposed"
    answers = client.get(detail(tpn.prb.wbk) + "jawaban/", **bearer(tpn.token_tpn)).json()
    first = next(a for a in answers["answers"] if a["soal_id"] == 1)
    assert first["tiers"]["unit"]["answer"] == "Ya"
    assert first["tiers"]["tpi2"]["answer"] == "Tidak"
    assert first["evidence"][0]["name"] == "sk-tim.pdf"
    assert "/portalrb/bukti/" in first["evidence_url"]
    unit = client.get(f"/api/v1/unit/{tpn.world.unit_b1.public_id}/", **bearer(tpn.token_tpn)).json()
    assert [p["id"] for p in unit["proposals"]] == [str(tpn.prb.b1.public_id)]
    assert unit["predikat"] == []
    assert_error(client.get(f"/api/v1/pengusulan/{uuid.uuid4()}/", **bearer(tpn.token_tpn)), 404, "DATA_NOT_FOUND")
    assert_error(client.get(f"/api/v1/unit/{uuid.uuid4()}/", **bearer(tpn.token_tpn)), 404, "DATA_NOT_FOUND")


def post(client: Client, p, token: str, **data):
    return client.post(detail(p) + "hasil/", data, content_type="application/json", **bearer(token))


def test_writes_through_the_api(tpn: TPNWorld) -> None:
    client = Client()
    wbk = tpn.prb.wbk
    body = assert_error(post(client, wbk, tpn.token_tpn, stage="nope"), 422, "VALIDATION_ERROR")
    assert "stage" in body["fields"]
    assert_error(post(client, wbk, tpn.token_tpn, stage="desk"), 422, "TRANSITION_NOT_ALLOWED")
    response = post(client, wbk, tpn.token_tpn, stage="administrasi", outcome="lulus", notes="Lengkap")
    assert response.status_code == 201
    assert response.json()["outcome"] == "lulus"
    put = client.put(
        detail(wbk) + "jawaban-tpn/",
        {"answers": [{"soal_id": 1, "answer": "Ya", "note": ""}, {"soal_id": 2, "answer": "??"}]},
        content_type="application/json",
        **bearer(tpn.token_tpn),
    )
    assert "answers.1.answer" in assert_error(put, 422, "VALIDATION_ERROR")["fields"]
    assert not Jawaban.unscoped.filter(tier=Tier.TPN).exists()
    put = client.put(
        detail(wbk) + "jawaban-tpn/",
        {"answers": [{"soal_id": 1, "answer": "Ya", "note": ""}]},
        content_type="application/json",
        **bearer(tpn.token_tpn),
    )
    assert put.status_code == 200
    assert put.json()["scores"]["total"]
    # Beside the scores, how much was answered (issue 16): the TPN answered one soal of 127.
    done = put.json()["scores"]["completeness"]
    assert (done["answered"], done["total"]) == (1, 127)
    assert done["areas"]["pemenuhan"]["1"] == {"answered": 1, "total": 12}
    assert post(client, wbk, tpn.token_tpn, stage="desk").status_code == 201
    # Penetapan is KemenPANRB's: the TPN evaluator gets 403, a missing decree date names the field.
    assert_error(post(client, wbk, tpn.token_tpn, stage="penetapan", outcome="ditetapkan_wbk"), 403, "FORBIDDEN")
    body = assert_error(
        post(client, wbk, tpn.token_kemen, stage="penetapan", outcome="ditetapkan_wbk", decree_number="KEP-1"),
        422,
        "VALIDATION_ERROR",
    )
    assert list(body["fields"]) == ["decree_date"]
    body = assert_error(
        post(client, wbk, tpn.token_kemen, stage="penetapan", outcome="ditetapkan_wbk", decree_date="31-12-2026"),
        422,
        "VALIDATION_ERROR",
    )
    assert "decree_date" in body["fields"]
    assert TPNResult.unscoped.count() == 2
    assert not PredikatUnit.unscoped.exists()
    # The TPN tier answered two soal: far below the WBK thresholds, so a designation needs an override.
    below = post(
        client,
        wbk,
        tpn.token_kemen,
        stage="penetapan",
        outcome="ditetapkan_wbk",
        decree_number="KEP-1",
        decree_date="2026-12-09",
    )
    assert "override_reason" in assert_error(below, 422, "VALIDATION_ERROR")["fields"]
    assert not PredikatUnit.unscoped.exists()
    ok = post(
        client,
        wbk,
        tpn.token_kemen,
        stage="penetapan",
        outcome="ditetapkan_wbk",
        decree_number="KEP-1",
        decree_date="2026-12-09",
        override_reason="Keputusan rapat pleno TPN.",
    )
    assert ok.status_code == 201
    assert ok.json()["override_reason"] == "Keputusan rapat pleno TPN."
    assert PredikatUnit.unscoped.get(unit=tpn.world.unit_a1).decree_number == "KEP-1"
    assert AuditEvent.unscoped.filter(verb="tpn.result_penetapan", instansi=tpn.world.instansi_a).exists()
    assert client.get(detail(wbk), **bearer(tpn.token_tpn)).json()["stage"] == "ditetapkan"
