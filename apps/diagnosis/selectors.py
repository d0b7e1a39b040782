"""Reads of the diagnosis: its layanan utama, the issues and risks with their priorities, the risks
no kegiatan answers yet (for the rencana aksi). Every read names its instansi explicitly."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from apps.diagnosis.models import SCORE_HIGH, Diagnosis, IsuStrategis, LayananUtama, Risiko
from apps.unit_kerja.models import Cycle, UnitKerja

# The kegiatan answering a risk or an issue, deleted ones (apps.core.softdelete) not counted.
_LIVE_KEGIATAN = Count("kegiatan", filter=Q(kegiatan__deleted_at__isnull=True))


def diagnosis_for(*, unit: UnitKerja, cycle: Cycle) -> Diagnosis | None:
    return Diagnosis.objects.filter(instansi_id=unit.instansi_id, unit=unit, cycle=cycle).first()


def layanan_of(diagnosis: Diagnosis | None) -> list[LayananUtama]:
    if diagnosis is None:
        return []
    return list(LayananUtama.objects.filter(instansi_id=diagnosis.instansi_id, diagnosis=diagnosis))


def risiko_of(diagnosis: Diagnosis | None) -> list[Risiko]:
    """Risks by score (highest first), each with the number of kegiatan answering it."""
    if diagnosis is None:
        return []
    return list(
        Risiko.objects.filter(instansi_id=diagnosis.instansi_id, diagnosis=diagnosis)
        .select_related("owner")
        .annotate(score_value=F("likelihood") * F("impact"), answered_by=_LIVE_KEGIATAN)
        .order_by("-score_value", "title")
    )


def isu_of(diagnosis: Diagnosis | None) -> list[IsuStrategis]:
    if diagnosis is None:
        return []
    return list(
        IsuStrategis.objects.filter(instansi_id=diagnosis.instansi_id, diagnosis=diagnosis)
        .annotate(score_value=F("urgency") * F("impact"), answered_by=_LIVE_KEGIATAN)
        .order_by("-score_value", "title")
    )


@dataclass(frozen=True)
class Priority:
    """One line of the priority list: a risk or a strategic issue with its score."""

    kind: str  # "risiko" | "isu"
    obj: Any
    score: int
    answered_by: int

    @property
    def is_high(self) -> bool:
        return self.score >= SCORE_HIGH


def priorities(*, risiko: list[Risiko], isu: list[IsuStrategis]) -> list[Priority]:
    """Risks and issues together, highest score first (risks before issues on a tie)."""
    rows = [Priority("risiko", r, r.score, r.answered_by) for r in risiko]  # type: ignore[attr-defined]
    rows += [Priority("isu", i, i.score, i.answered_by) for i in isu]  # type: ignore[attr-defined]
    return sorted(rows, key=lambda p: (-p.score, p.kind != "risiko", str(p.obj)))


def high_risks_unanswered(*, unit: UnitKerja, cycle: Cycle) -> list[Risiko]:
    """High risks (score ≥ 15) of the unit's diagnosis that no kegiatan answers yet."""
    return list(
        Risiko.objects.filter(instansi_id=unit.instansi_id, diagnosis__unit=unit, diagnosis__cycle=cycle)
        .annotate(score_value=F("likelihood") * F("impact"), answered_by=_LIVE_KEGIATAN)
        .filter(score_value__gte=SCORE_HIGH, answered_by=0)
        .select_related("owner")
        .order_by("-score_value", "title")
    )


def diagnosis_choices(*, unit: UnitKerja, cycle: Cycle) -> tuple[QuerySet[Risiko], QuerySet[IsuStrategis]]:
    """The risks and issues a kegiatan of this unit and year may answer."""
    risiko = Risiko.objects.filter(instansi_id=unit.instansi_id, diagnosis__unit=unit, diagnosis__cycle=cycle)
    isu = IsuStrategis.objects.filter(instansi_id=unit.instansi_id, diagnosis__unit=unit, diagnosis__cycle=cycle)
    return risiko.order_by("title"), isu.order_by("title")
