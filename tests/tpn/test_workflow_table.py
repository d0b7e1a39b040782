"""The TPN stages, penetapan and pencabutan table (issue 17): every (national stage, action, role) is
tried through ``tpn_result_record`` and must give exactly the table's answer (see
tests/core/test_workflows.py for the other workflows)."""

from __future__ import annotations

import datetime

import pytest

from apps.lke.models import Soal
from apps.pengusulan.models import PredikatUnit
from apps.penilaian.models import Jawaban, Tier
from apps.tenancy.models import Membership
from apps.tenancy.scope import scope
from apps.tpn import services as tpn_services
from apps.tpn.models import STAGE_OUTCOMES, TPNResult
from apps.tpn.selectors import NationalStage
from apps.tpn.workflows import TPN
from tests.core.test_workflows import _compare, _members, _outcome
from tests.pengusulan.helpers import top

pytestmark = pytest.mark.django_db


def _tpn_answers(pengusulan) -> None:
    """The TPN tier answered every soal well (desk has answers; penetapan meets the thresholds)."""
    penilaian = pengusulan.penilaian
    Jawaban.objects.bulk_create(
        [
            Jawaban(
                instansi_id=penilaian.instansi_id,
                penilaian=penilaian,
                soal=soal,
                tier=Tier.TPN,
                level=0,
                answer=top(soal),
            )
            for soal in Soal.objects.filter(template_id=penilaian.template_id)
        ]
    )


# A result that puts the proposal in each national stage (recorded directly: setup only).
_REACH = {
    NationalStage.ADMINISTRASI_LULUS: [("administrasi", "lulus")],
    NationalStage.ADMINISTRASI_LULUS_CATATAN: [("administrasi", "lulus_catatan")],
    NationalStage.ADMINISTRASI_TIDAK_LULUS: [("administrasi", "tidak_lulus")],
    NationalStage.SANGGAHAN_DITERIMA: [("administrasi", "tidak_lulus"), ("sanggahan", "diterima")],
    NationalStage.SANGGAHAN_DITOLAK: [("administrasi", "tidak_lulus"), ("sanggahan", "ditolak")],
    NationalStage.DESK: [("administrasi", "lulus"), ("desk", "selesai")],
    NationalStage.LAPANGAN: [("administrasi", "lulus"), ("desk", "selesai"), ("lapangan", "selesai")],
    NationalStage.DITETAPKAN: [("administrasi", "lulus"), ("desk", "selesai"), ("penetapan", "ditetapkan_wbk")],
    NationalStage.TIDAK_DITETAPKAN: [("administrasi", "lulus"), ("desk", "selesai"), ("penetapan", "tidak_ditetapkan")],
    NationalStage.DICABUT: [
        ("administrasi", "lulus"),
        ("desk", "selesai"),
        ("penetapan", "ditetapkan_wbk"),
        ("pencabutan", "dicabut"),
    ],
}


def test_tpn_every_stage_action_and_role_gives_the_tables_answer(tpn) -> None:
    lke = tpn.prb.lke
    members = _members(lke)
    tahun = lke.cycle.tahun
    with scope(tpn.prb.wbk.instansi_id):
        _tpn_answers(tpn.prb.wbk)
        _tpn_answers(tpn.prb.wbbm)  # WBBM designations go to the WBBM proposal (A2)

    def attempt(state: str, stage: str, outcome: str, member: Membership) -> None:
        pengusulan = tpn.prb.wbbm if outcome == "ditetapkan_wbbm" else tpn.prb.wbk
        with scope(pengusulan.instansi_id):
            for step_stage, step_outcome in _REACH.get(state, []):
                TPNResult.objects.create(
                    instansi=pengusulan.instansi,
                    pengusulan=pengusulan,
                    stage=step_stage,
                    outcome=step_outcome,
                    decree_number="KEP-0" if step_stage == "penetapan" else "",
                    decree_date=datetime.date(tahun, 12, 1) if step_stage == "penetapan" else None,
                    revoked_on=datetime.date(tahun, 12, 2) if step_stage == "pencabutan" else None,
                    recorded_by=tpn.kemal,
                )
            if state == NationalStage.DITETAPKAN:
                PredikatUnit.objects.create(
                    instansi=pengusulan.instansi,
                    unit=pengusulan.unit,
                    predikat=pengusulan.predikat,
                    tahun=pengusulan.cycle.tahun,
                    decree_number="KEP-0",
                    decree_date=datetime.date(tahun, 12, 1),
                )
        tpn_services.tpn_result_record(
            actor=member,
            pengusulan=pengusulan,
            stage=stage,
            outcome=outcome,
            notes="Catatan",
            decree_number="KEP-9",
            decree_date=datetime.date(tahun, 12, 9),
            revoked_on=datetime.date(tahun, 12, 20),
        )

    tried = {}
    for state in TPN.states:
        for stage, outcomes in STAGE_OUTCOMES.items():
            for outcome in outcomes:
                for role, member in members.items():
                    tried[(state, f"{stage}.{outcome}", role)] = _outcome(
                        lambda s=state, st=stage, o=outcome, m=member: attempt(s, st, o, m)
                    )
    _compare(TPN, tried)
