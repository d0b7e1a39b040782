"""Pengusulan reads, each with an explicit instansi."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from apps.pengusulan.eligibility import Check, EligibilityFacts, blocking, eligibility_checks, eligibility_facts
from apps.pengusulan.models import (
    InstansiEligibility,
    Pengusulan,
    PengusulanSnapshot,
    PengusulanStatus,
    Predikat,
    PredikatUnit,
    ProposalQuota,
    SuratPengusulan,
    UnitEligibility,
)
from apps.penilaian.models import Penilaian, PenilaianStatus, Recommendation
from apps.tenancy.models import Instansi
from apps.tenancy.roles import ROLE_CAPABILITIES, Cap
from apps.tenancy.selectors import membership_list_for_instansi
from apps.unit_kerja.models import Cycle, UnitKerja

if TYPE_CHECKING:
    from apps.accounts.models import User


def pengusulan_managers(*, instansi: Instansi) -> list[User]:
    """The admin ZI of the instansi (Cap.PENGUSULAN_MANAGE)."""
    roles = sorted(role for role, caps in ROLE_CAPABILITIES.items() if Cap.PENGUSULAN_MANAGE in caps)
    rows = membership_list_for_instansi(instansi=instansi).filter(is_active=True, role__in=roles)
    return [row.user for row in rows if row.user.is_active]


def cycles_for(*, instansi: Instansi | int) -> QuerySet[Cycle]:
    instansi_id = instansi if isinstance(instansi, int) else instansi.pk
    return Cycle.objects.filter(instansi_id=instansi_id).order_by("-tahun")


def cycle_pick(*, instansi: Instansi | int, tahun: str | int | None) -> Cycle | None:
    """The year asked for (``?tahun=``), else the latest."""
    rows = cycles_for(instansi=instansi)
    if tahun:
        try:
            return rows.filter(tahun=int(tahun)).first()
        except (TypeError, ValueError):
            return None
    return rows.first()


@dataclass
class UnitChecks:
    """A unit's checks for both predikat, and what the proposal page needs about it."""

    unit: UnitKerja
    facts: EligibilityFacts
    wbk: list[Check]
    wbbm: list[Check]
    penilaian: Penilaian | None = None
    recommendation: Recommendation | None = None
    pengusulan: Pengusulan | None = None
    allowed: list[str] = field(default_factory=list)

    @property
    def wbk_blocks(self) -> list[Check]:
        return blocking(self.wbk)

    @property
    def wbbm_blocks(self) -> list[Check]:
        return blocking(self.wbbm)

    def rows(self) -> list[tuple[Check, Check | None]]:
        """The checks side by side (WBK, WBBM); the WBBM-only prerequisite comes last."""
        wbbm = {c.key: c for c in self.wbbm}
        paired: list[tuple[Check, Check | None]] = [(c, wbbm.pop(c.key, None)) for c in self.wbk]
        return paired + [(c, c) for c in wbbm.values()]


def unit_checks(*, cycle: Cycle, unit: UnitKerja) -> UnitChecks:
    """Every check of the unit for WBK and WBBM: value, requirement, pass/fail, blocks."""
    facts = eligibility_facts(cycle=cycle, unit=unit)
    return UnitChecks(
        unit=unit,
        facts=facts,
        wbk=eligibility_checks(facts=facts, predikat=Predikat.WBK),
        wbbm=eligibility_checks(facts=facts, predikat=Predikat.WBBM),
    )


def candidates(*, instansi: Instansi, cycle: Cycle) -> list[UnitChecks]:
    """The units the TPI recommended this year (with a layak decision), with their checks and
    their current (not withdrawn) pengusulan, if any."""
    penilaian_rows = (
        Penilaian.objects.filter(instansi=instansi, cycle=cycle, status=PenilaianStatus.RECOMMENDED)
        .select_related("unit")
        .order_by("unit__path")
    )
    recommendations = {
        r.penilaian_id: r
        for r in Recommendation.objects.filter(instansi=instansi, penilaian__cycle=cycle).exclude(
            decision=Recommendation.Decision.BELUM_LAYAK
        )
    }
    proposals = {
        p.unit_id: p
        for p in Pengusulan.objects.filter(instansi=instansi, cycle=cycle).exclude(status=PengusulanStatus.WITHDRAWN)
    }
    rows = []
    for penilaian in penilaian_rows:
        recommendation = recommendations.get(penilaian.pk)
        if recommendation is None:
            continue
        row = unit_checks(cycle=cycle, unit=penilaian.unit)
        row.penilaian = penilaian
        row.recommendation = recommendation
        row.pengusulan = proposals.get(penilaian.unit_id)
        row.allowed = (
            [Predikat.WBK, Predikat.WBBM]
            if recommendation.decision == Recommendation.Decision.LAYAK_WBBM
            else [Predikat.WBK]
        )
        rows.append(row)
    return rows


def eligibility_units(*, instansi: Instansi, cycle: Cycle) -> list[UnitChecks]:
    """The year's units with a penilaian (those that can become candidates), with their checks."""
    units = UnitKerja.objects.filter(
        instansi=instansi, pk__in=Penilaian.objects.filter(instansi=instansi, cycle=cycle).values("unit_id")
    ).order_by("path")
    return [unit_checks(cycle=cycle, unit=unit) for unit in units]


def instansi_facts(*, instansi: Instansi, cycle: Cycle) -> InstansiEligibility | None:
    return InstansiEligibility.objects.filter(instansi=instansi, cycle=cycle).prefetch_related("evidence").first()


def unit_facts(*, instansi: Instansi, cycle: Cycle, unit: UnitKerja) -> UnitEligibility | None:
    return (
        UnitEligibility.objects.filter(instansi=instansi, cycle=cycle, unit=unit).prefetch_related("evidence").first()
    )


def pengusulan_list(*, instansi: Instansi, cycle: Cycle) -> QuerySet[Pengusulan]:
    return Pengusulan.objects.filter(instansi=instansi, cycle=cycle).select_related("unit").order_by("unit__path")


def proposed_list(*, instansi: Instansi, cycle: Cycle) -> QuerySet[Pengusulan]:
    return pengusulan_list(instansi=instansi, cycle=cycle).filter(status=PengusulanStatus.PROPOSED)


def snapshot_current(*, pengusulan: Pengusulan) -> PengusulanSnapshot | None:
    return PengusulanSnapshot.objects.filter(
        instansi_id=pengusulan.instansi_id, pengusulan=pengusulan, is_current=True
    ).first()


def snapshot_history(*, pengusulan: Pengusulan) -> QuerySet[PengusulanSnapshot]:
    return (
        PengusulanSnapshot.objects.filter(instansi_id=pengusulan.instansi_id, pengusulan=pengusulan)
        .select_related("created_by")
        .defer("data")
        .order_by("-number")
    )


def surat_for(*, instansi: Instansi, cycle: Cycle) -> SuratPengusulan | None:
    return (
        SuratPengusulan.objects.filter(instansi=instansi, cycle=cycle)
        .select_related("sptjm_file", "sptjm_signed_by", "report")
        .first()
    )


def quota_for(*, instansi: Instansi, tahun: int) -> ProposalQuota | None:
    return ProposalQuota.objects.filter(instansi=instansi, tahun=tahun).first()


def predikat_list(*, instansi: Instansi) -> QuerySet[PredikatUnit]:
    return PredikatUnit.objects.filter(instansi=instansi).select_related("unit").order_by("-decree_date")
