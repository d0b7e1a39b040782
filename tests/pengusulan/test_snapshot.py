"""The frozen snapshot: every tier's answers, notes, evidence and scores as plain JSON, hashed."""

from __future__ import annotations

import pytest

from apps.pengusulan.snapshot import last_tpi_tier, snapshot_build, snapshot_hash
from apps.penilaian.models import Jawaban, Tier
from tests.penilaian.conftest import LKEWorld

pytestmark = pytest.mark.usefixtures("a_scope")


def _answer(lke: LKEWorld, soal_id: int, tier: str, level: int, answer: str, note: str = "") -> None:
    Jawaban.objects.create(
        instansi=lke.world.instansi_a,
        penilaian=lke.penilaian,
        soal=lke.soal(soal_id),
        tier=tier,
        level=level,
        answer=answer,
        note=note,
    )


def test_snapshot_holds_every_tier_and_the_scores(lke: LKEWorld) -> None:
    _answer(lke, 1, Tier.UNIT, 0, "Ya", "SK tim")
    _answer(lke, 1, Tier.TPI, 1, "Ya", "Sesuai")
    _answer(lke, 1, Tier.TPI, 2, "Tidak", "SK belum ditandatangani")
    _answer(lke, 125, Tier.UNIT, 0, "3.6")
    data = snapshot_build(penilaian=lke.penilaian, predikat="WBK", afirmasi=False)
    assert data["format"] == 1
    assert data["kategori"] == "WBK"
    assert data["unit"]["code"] == "A1"
    assert data["tiers"] == ["unit", "tpi1", "tpi2"]
    assert [a["soal_id"] for a in data["answers"]] == [1, 125]
    first = data["answers"][0]
    assert first["unit"] == {"answer": "Ya", "note": "SK tim", "evidence_link": "", "evidence": []}
    assert first["tpi2"] == {"answer": "Tidak", "note": "SK belum ditandatangani"}
    assert data["scores"]["unit"]["hasil"] == "15.75"
    assert data["scores"]["tpi2"]["total"] == "0"
    assert last_tpi_tier(data) == "tpi2"


def test_hash_is_stable_and_changes_with_the_content(lke: LKEWorld) -> None:
    _answer(lke, 1, Tier.UNIT, 0, "Ya")
    first = snapshot_build(penilaian=lke.penilaian, predikat="WBBM", afirmasi=True)
    again = snapshot_build(penilaian=lke.penilaian, predikat="WBBM", afirmasi=True)
    assert first["kategori"] == "WBBM-AFIRMASI"
    assert snapshot_hash(first) == snapshot_hash(again)
    Jawaban.objects.filter(penilaian=lke.penilaian).update(note="diubah")
    assert snapshot_hash(snapshot_build(penilaian=lke.penilaian, predikat="WBBM", afirmasi=True)) != snapshot_hash(
        first
    )
