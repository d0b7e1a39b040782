"""TPN in the browser (issue 17): the national proposal page records desk answers and every stage's
result through the same services as /api/v1/ — same rules, versions and audit; instansi members
get 403, a missing proposal 404, a TPN evaluator's penetapan 403 (as in the API)."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.penilaian.models import Jawaban, Tier
from apps.tpn.models import TPNResult
from apps.tpn.selectors import NationalStage, proposal_stage
from tests.tpn.conftest import TPNWorld

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _urls(tpn: TPNWorld) -> tuple[str, str, str]:
    pid = tpn.prb.wbk.public_id
    return (
        reverse("tpn:result-record", args=[pid]),
        reverse("tpn:desk-answers", args=[pid]),
        reverse("nasional:pengusulan-detail", args=[pid]),
    )


def test_only_national_members_get_in_and_a_missing_proposal_is_404(tpn: TPNWorld) -> None:
    record, desk, detail = _urls(tpn)
    instansi = _client(tpn.world.citra)
    assert instansi.get(desk).status_code == 403
    assert instansi.post(record, {"stage": "administrasi", "outcome": "lulus"}).status_code == 403
    tina = _client(tpn.tina)
    assert tina.get(desk).status_code == 200
    assert 'data-testid="tpn-record"' in tina.get(detail).content.decode()
    missing = reverse("tpn:desk-answers", args=[uuid.uuid4()])
    assert tina.get(missing).status_code == 404
    assert tina.get(record).status_code == 405
    assert not TPNResult.unscoped.exists()


def test_an_evaluator_records_desk_answers_and_results_like_the_api(tpn: TPNWorld) -> None:
    record, desk, _detail = _urls(tpn)
    tina = _client(tpn.tina)
    assert tina.post(record, {"stage": "administrasi", "outcome": "lulus", "notes": "Lengkap"}).status_code == 302
    assert proposal_stage(tpn.prb.wbk) == NationalStage.ADMINISTRASI_LULUS
    # A bad answer: all or nothing, the reason shown, nothing saved.
    bad = tina.post(desk, {"answer_1": "Ya", "answer_2": "??"})
    assert bad.status_code == 400
    assert not Jawaban.unscoped.filter(tier=Tier.TPN).exists()
    ok = tina.post(desk, {"answer_1": "Ya", "note_1": "Sesuai", "answer_2": "B"})
    assert ok.status_code == 302
    assert Jawaban.unscoped.filter(tier=Tier.TPN).count() == 2
    assert AuditEvent.unscoped.filter(verb="jawaban.tpn_save").count() == 2
    # Desk result: its TPN scores are frozen in the result, exactly as through the API.
    assert tina.post(record, {"stage": "desk", "notes": "Desk selesai"}).status_code == 302
    desk_result = TPNResult.unscoped.get(stage="desk")
    assert desk_result.scores["total"]
    audit = AuditEvent.unscoped.get(verb="tpn.result_desk")
    assert (audit.before["stage"], audit.after["stage_after"]) == ("administrasi_lulus", "desk")
    # Penetapan is KemenPANRB's: the evaluator gets 403 and nothing is written.
    forbidden = tina.post(
        record, {"stage": "penetapan", "outcome": "ditetapkan_wbk", "decree_number": "K-1", "decree_date": "2026-12-09"}
    )
    assert forbidden.status_code == 403
    assert not TPNResult.unscoped.filter(stage="penetapan").exists()
    # Out of order: refused with the reason, nothing written.
    page = tina.post(record, {"stage": "sanggahan", "outcome": "diterima", "notes": "x"}, follow=True)
    assert "sanggahan" in page.content.decode()
    assert TPNResult.unscoped.count() == 2
    # The instansi sees the results on its own page.
    instansi_page = _client(tpn.world.citra).get(reverse("pengusulan:pengusulan-detail", args=[tpn.prb.wbk.public_id]))
    assert "Desk selesai" in instansi_page.content.decode()


def test_kemenpanrb_designates_in_the_browser_with_the_override_below_thresholds(tpn: TPNWorld) -> None:
    record, desk, detail = _urls(tpn)
    tina, kemal = _client(tpn.tina), _client(tpn.kemal)
    tina.post(record, {"stage": "administrasi", "outcome": "lulus"})
    tina.post(desk, {"answer_1": "Ya"})
    tina.post(record, {"stage": "desk"})
    decree = {"stage": "penetapan", "outcome": "ditetapkan_wbk", "decree_number": "K-1", "decree_date": "2026-12-09"}
    refused = kemal.post(record, decree, follow=True)
    assert "override_reason" in refused.content.decode()
    assert not TPNResult.unscoped.filter(stage="penetapan").exists()
    assert kemal.post(record, decree | {"override_reason": "Pleno TPN."}).status_code == 302
    assert TPNResult.unscoped.get(stage="penetapan").override_reason == "Pleno TPN."
    assert "Pleno TPN." in kemal.get(detail).content.decode()
