"""The PortalRB provider API against PORTALRB_API.md: auth, the exact JSON, scoping, errors, limits."""

from __future__ import annotations

import datetime
import json

import pytest
import yaml
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.pengusulan.models import PengusulanStatus
from apps.penilaian.models import Jawaban, Penilaian, Tier
from apps.portalrb.auth import INVALID_TOKEN, MALFORMED_HEADER
from apps.portalrb.models import PortalRBFetch, PortalRBToken
from apps.portalrb.services import portalrb_token_issue, portalrb_token_revoke
from apps.portalrb.signing import evidence_url
from apps.tenancy.scope import scope
from apps.unit_kerja.models import UnitKerja
from tests.factories import CycleFactory, UnitKerjaFactory
from tests.portalrb.conftest import PRBWorld, bearer, freeze, master_soal_ids, propose

WBK = "/api/portalrb/pengusulan/unit-wbk"
WBBM = "/api/portalrb/pengusulan/unit-wbbm"


def jawaban(unit_id: object) -> str:
    return f"/api/portalrb/lke/jawaban-unit/{unit_id}"


def assert_contract_error(response, status: int, code: str, message: str | None = None) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "code", "message"}
    assert body["error"] is True
    assert body["code"] == code
    assert isinstance(body["message"], str)
    assert body["message"]
    if message is not None:
        assert body["message"] == message


def test_urls_are_the_contract_paths() -> None:
    assert reverse("portalrb_api:unit-wbk") == WBK
    assert reverse("portalrb_api:unit-wbbm") == WBBM
    assert reverse("portalrb_api:jawaban-unit", kwargs={"unit_id": "X"}) == jawaban("X")


# --- authentication -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", [WBK, WBBM, jawaban("00000000-0000-0000-0000-000000000000")])
def test_no_token_is_401(prb: PRBWorld, path: str) -> None:
    response = Client().get(path)
    assert_contract_error(response, 401, "UNAUTHORIZED")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Token abc", MALFORMED_HEADER),
        ("Bearer", MALFORMED_HEADER),
        ("Bearer a b", MALFORMED_HEADER),
        ("Bearer zi_prb_wrong", INVALID_TOKEN),
        ("Bearer not-our-format", INVALID_TOKEN),
    ],
)
def test_malformed_or_wrong_token_is_401(prb: PRBWorld, header: str, message) -> None:
    response = Client().get(WBK, HTTP_AUTHORIZATION=header)
    assert_contract_error(response, 401, "UNAUTHORIZED", str(message))


def test_revoked_and_rotated_tokens_are_401(prb: PRBWorld) -> None:
    world = prb.world
    with scope(world.instansi_a.pk):
        portalrb_token_revoke(instansi=world.instansi_a, actor=world.citra)
    assert_contract_error(Client().get(WBK, **bearer(prb.token_a)), 401, "UNAUTHORIZED", str(INVALID_TOKEN))
    # B rotates: the old token stops, the new one works.
    with scope(world.instansi_b.pk):
        new_b = portalrb_token_issue(instansi=world.instansi_b, actor=None).raw
        assert PortalRBToken.objects.filter(revoked_at__isnull=True).count() == 1
    assert_contract_error(Client().get(WBK, **bearer(prb.token_b)), 401, "UNAUTHORIZED")
    assert Client().get(WBK, **bearer(new_b)).status_code == 200


def test_token_is_stored_hashed(prb: PRBWorld) -> None:
    with scope(prb.world.instansi_a.pk):
        token = PortalRBToken.objects.get(revoked_at__isnull=True)
    assert prb.token_a.startswith("zi_prb_")
    assert len(prb.token_a) > 40
    assert prb.token_a not in (token.key_hash, token.prefix)
    assert prb.token_a.startswith(token.prefix)
    assert len(token.key_hash) == 64


# --- the exact documents ------------------------------------------------------------------------


def test_unit_wbk_is_exactly_the_contract(prb: PRBWorld) -> None:
    response = Client().get(WBK, **bearer(prb.token_a))
    assert response.status_code == 200
    assert response.json() == {
        "tahun": prb.lke.cycle.tahun,
        "units": [
            {
                "id": str(prb.world.unit_a1.public_id),
                "nama": "Direktorat Pelayanan A1",
                "kategori": "WBK",
                "afirmasi": False,
            }
        ],
    }
    assert isinstance(response.json()["tahun"], int)


def test_unit_wbbm_is_exactly_the_contract(prb: PRBWorld) -> None:
    response = Client().get(WBBM, **bearer(prb.token_a))
    assert response.json() == {
        "tahun": prb.lke.cycle.tahun,
        "units": [
            {
                "id": str(prb.world.unit_a2.public_id),
                "nama": "Biro Umum A2",
                "kategori": "WBBM-AFIRMASI",
                "afirmasi": True,
            }
        ],
    }


def test_jawaban_unit_is_exactly_the_contract(prb: PRBWorld) -> None:
    response = Client().get(jawaban(prb.world.unit_a1.public_id), **bearer(prb.token_a))
    assert response.status_code == 200
    with scope(prb.world.instansi_a.pk):
        snapshot = prb.wbk.snapshots.get(is_current=True)
        link = evidence_url(snapshot=snapshot, soal_id=1)
    assert response.json() == {
        "unit_id": str(prb.world.unit_a1.public_id),
        "nama_unit": "Direktorat Pelayanan A1",
        "tahun": prb.lke.cycle.tahun,
        "answers": [
            {
                "soal_id": 1,
                "jawaban_unit": "Ya",
                # the most advanced TPI tier (tpi2), not tpi1
                "jawaban_tpi": "Tidak",
                "catatan_unit": "SK tim kerja ZI terbit Januari",
                "bukti_dukung_unit": link,
                "catatan_tpi": "SK belum ditandatangani",
            },
            {
                "soal_id": 2,
                "jawaban_unit": "B",
                "jawaban_tpi": None,
                "catatan_unit": None,  # an empty note is null
                "bukti_dukung_unit": "https://drive.example.go.id/sop",  # no file: the unit's own link
                "catatan_tpi": None,
            },
            {
                "soal_id": 3,
                "jawaban_unit": None,
                "jawaban_tpi": None,  # answered at tpi1 only; the last tier (tpi2) did not answer
                "catatan_unit": None,
                "bukti_dukung_unit": None,
                "catatan_tpi": None,
            },
            {
                "soal_id": 88,
                "jawaban_unit": "12",
                "jawaban_tpi": None,
                "catatan_unit": None,
                "bukti_dukung_unit": None,
                "catatan_tpi": None,
            },
        ],
    }
    assert link.startswith("http://")
    assert "/portalrb/bukti/" in link


def test_answers_follow_master_ids_and_never_derived_items(prb: PRBWorld) -> None:
    body = Client().get(jawaban(prb.world.unit_a1.public_id), **bearer(prb.token_a)).json()
    ids = [a["soal_id"] for a in body["answers"]]
    assert set(ids) <= master_soal_ids()
    assert ids == sorted(ids)  # master order (the master's order is its id order)
    assert all(isinstance(i, int) for i in ids)
    assert all(
        set(a) == {"soal_id", "jawaban_unit", "jawaban_tpi", "catatan_unit", "bukti_dukung_unit", "catatan_tpi"}
        for a in body["answers"]
    )


def test_snapshot_is_served_not_live_answers_and_a_correction_changes_it(prb: PRBWorld) -> None:
    client, path = Client(), jawaban(prb.world.unit_a1.public_id)
    before = client.get(path, **bearer(prb.token_a)).content
    with scope(prb.world.instansi_a.pk):
        Jawaban.objects.filter(penilaian=prb.lke.penilaian, tier=Tier.UNIT, soal__portalrb_soal_id=88).update(
            answer="15"
        )
    assert client.get(path, **bearer(prb.token_a)).content == before  # live edits are not served
    freeze(prb.wbk, by=prb.world.citra, reason="koreksi")
    after = client.get(path, **bearer(prb.token_a)).json()
    assert next(a for a in after["answers"] if a["soal_id"] == 88)["jawaban_unit"] == "15"


def test_withdrawn_and_draft_proposals_are_not_served(prb: PRBWorld) -> None:
    with scope(prb.world.instansi_a.pk):
        prb.wbbm.status = PengusulanStatus.WITHDRAWN
        prb.wbbm.save(update_fields=["status"])
    assert Client().get(WBBM, **bearer(prb.token_a)).json()["units"] == []
    assert_contract_error(
        Client().get(jawaban(prb.world.unit_a2.public_id), **bearer(prb.token_a)), 404, "DATA_NOT_FOUND"
    )
    with scope(prb.world.instansi_a.pk):
        prb.wbk.status = PengusulanStatus.DRAFT
        prb.wbk.save(update_fields=["status"])
    assert Client().get(WBK, **bearer(prb.token_a)).json()["units"] == []


def test_a_draft_in_another_unit_stays_out_of_the_list(prb: PRBWorld) -> None:
    # A proposal that is only approved (not yet proposed) with a snapshot is not served.
    unit = UnitKerjaFactory(instansi=prb.world.instansi_a, code="A3", name="Unit Draf A3")
    with scope(prb.world.instansi_a.pk):
        penilaian = Penilaian.objects.create(
            instansi=prb.world.instansi_a, unit=unit, cycle=prb.lke.cycle, template=prb.lke.template
        )
    propose(penilaian, predikat="WBK", by=prb.world.citra, status=PengusulanStatus.APPROVED)
    names = [u["nama"] for u in Client().get(WBK, **bearer(prb.token_a)).json()["units"]]
    assert names == ["Direktorat Pelayanan A1"]
    assert UnitKerja.unscoped.filter(code="A3").exists()


def test_only_the_latest_rounds_units_are_served(prb: PRBWorld) -> None:
    """The round is the latest year with a proposed unit: once A2 is proposed for next year, A1's
    proposal of this year is no longer served (and the lists move to next year)."""
    next_year = CycleFactory(instansi=prb.world.instansi_a, tahun=prb.lke.cycle.tahun + 1)
    with scope(prb.world.instansi_a.pk):
        penilaian = Penilaian.objects.create(
            instansi=prb.world.instansi_a, unit=prb.world.unit_a2, cycle=next_year, template=prb.lke.template
        )
    propose(penilaian, predikat="WBK", by=prb.world.citra)
    client = Client()
    assert client.get(WBK, **bearer(prb.token_a)).json()["tahun"] == next_year.tahun
    assert client.get(jawaban(prb.world.unit_a2.public_id), **bearer(prb.token_a)).status_code == 200
    assert_contract_error(
        client.get(jawaban(prb.world.unit_a1.public_id), **bearer(prb.token_a)), 404, "DATA_NOT_FOUND"
    )


# --- tenancy, errors, limits -------------------------------------------------------------------


def test_b_token_sees_only_b(prb: PRBWorld) -> None:
    body = Client().get(WBK, **bearer(prb.token_b)).json()
    assert [u["id"] for u in body["units"]] == [str(prb.world.unit_b1.public_id)]
    for unit in (prb.world.unit_a1, prb.world.unit_a2):
        response = Client().get(jawaban(unit.public_id), **bearer(prb.token_b))
        assert_contract_error(response, 404, "DATA_NOT_FOUND")
        assert "Direktorat" not in response.content.decode()
    # and A's token on B's unit
    assert_contract_error(
        Client().get(jawaban(prb.world.unit_b1.public_id), **bearer(prb.token_a)), 404, "DATA_NOT_FOUND"
    )


@pytest.mark.parametrize("unit_id", ["bukan-uuid", "1", "00000000-0000-0000-0000-000000000000"])
def test_unknown_or_malformed_unit_is_404(prb: PRBWorld, unit_id: str) -> None:
    assert_contract_error(Client().get(jawaban(unit_id), **bearer(prb.token_a)), 404, "DATA_NOT_FOUND")


def test_unknown_path_and_wrong_method_have_the_contract_body(prb: PRBWorld) -> None:
    assert_contract_error(Client().get("/api/portalrb/pengusulan/unit-x", **bearer(prb.token_a)), 404, "DATA_NOT_FOUND")
    for method in ("post", "put", "delete", "options"):
        response = getattr(Client(), method)(WBK, **bearer(prb.token_a))
        assert_contract_error(response, 405, "METHOD_NOT_ALLOWED")


def test_rate_limit_is_429_with_retry_after(prb: PRBWorld, settings) -> None:
    settings.ZI_PORTALRB_RATE = "3/min"
    client = Client()
    for _ in range(3):
        assert client.get(WBK, **bearer(prb.token_a)).status_code == 200
    response = client.get(WBK, **bearer(prb.token_a))
    assert_contract_error(response, 429, "RATE_LIMITED")
    assert int(response["Retry-After"]) > 0
    # per token: B is not limited by A's calls
    assert client.get(WBK, **bearer(prb.token_b)).status_code == 200


def test_retries_get_identical_bodies(prb: PRBWorld) -> None:
    client = Client()
    for path in (WBK, WBBM, jawaban(prb.world.unit_a1.public_id)):
        first = client.get(path, **bearer(prb.token_a)).content
        assert client.get(path, **bearer(prb.token_a)).content == first


def test_every_authenticated_fetch_is_logged(prb: PRBWorld, monkeypatch) -> None:
    client = Client()
    client.get(WBK, **bearer(prb.token_a))
    client.get(jawaban("bukan-uuid"), **bearer(prb.token_a))
    client.get(WBBM)  # no token: cannot be tied to an instansi, not logged
    with scope(prb.world.instansi_a.pk):
        rows = list(PortalRBFetch.objects.order_by("created_at", "id").values_list("endpoint", "path", "status_code"))
        token = PortalRBToken.objects.get(revoked_at__isnull=True)
        fetch = PortalRBFetch.objects.first()
    assert rows == [("unit-wbk", WBK, 200), ("jawaban-unit", jawaban("bukan-uuid"), 404)]
    assert token.last_used_at is not None
    assert fetch.remote_addr == "127.0.0.1"
    # The token's last use is written at most once a minute (every call still has its log row).
    used = token.last_used_at
    client.get(WBK, **bearer(prb.token_a))
    with scope(prb.world.instansi_a.pk):
        assert PortalRBToken.objects.get(pk=token.pk).last_used_at == used
        assert PortalRBFetch.objects.count() == 3
    # Two minutes later (the clock moves, not the stored value: a last use only moves forward).
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(minutes=2))
    client.get(WBK, **bearer(prb.token_a))
    with scope(prb.world.instansi_a.pk):
        assert PortalRBToken.objects.get(pk=token.pk).last_used_at > used
        assert PortalRBFetch.objects.count() == 4
    with scope(prb.world.instansi_b.pk):
        assert not PortalRBFetch.objects.exists()


def test_unhandled_error_has_the_contract_body(prb: PRBWorld, monkeypatch) -> None:
    def boom(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("apps.portalrb.views.portalrb_unit_list", boom)
    client = Client(raise_request_exception=False)
    response = client.get(WBK, **bearer(prb.token_a))
    assert_contract_error(response, 500, "SERVER_ERROR")
    with scope(prb.world.instansi_a.pk):
        assert PortalRBFetch.objects.get().status_code == 500


def test_schema_documents_the_three_endpoints() -> None:
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = json.loads(response.content) if response["Content-Type"].startswith("application/json") else None
    if schema is None:
        schema = yaml.safe_load(response.content)
    paths = schema["paths"]
    for path in (
        "/api/portalrb/pengusulan/unit-wbk",
        "/api/portalrb/pengusulan/unit-wbbm",
        "/api/portalrb/lke/jawaban-unit/{unit_id}",
    ):
        operation = paths[path]["get"]
        assert operation["security"] == [{"portalrbToken": []}]
        for status in ("200", "401", "404", "429", "500"):
            assert status in operation["responses"]
        assert operation["responses"]["200"]["content"]["application/json"]["examples"]
    assert schema["components"]["securitySchemes"]["portalrbToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "One token per instansi, issued by its admin ZI (prefix zi_prb_).",
    }
    assert set(schema["components"]["schemas"]["Error"]["properties"]) == {"error", "code", "message"}
