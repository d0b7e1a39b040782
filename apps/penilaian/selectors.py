"""Reads of penilaian: answers per tier and the live scores, in a constant number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from apps.lke.scoring import ScoreResult, TemplateSpec, estimate, score
from apps.lke.selectors import template_spec
from apps.penilaian.models import ItemReturn, Jawaban, Penilaian, ReturnStatus, Tier, TPIAssignment, TPITier
from apps.tenancy.models import Instansi, Membership
from apps.unit_kerja.models import Cycle

TierKey = tuple[str, int]  # ("unit", 0), ("tpi", 1..3), ("tpn", 0)
UNIT_TIER: TierKey = (Tier.UNIT, 0)


def tier_label(key: TierKey) -> str:
    tier, level = key
    return f"{tier}{level}" if level else str(tier)


def penilaian_list(*, actor: Membership, cycle: Cycle | None = None) -> QuerySet[Penilaian]:
    """Penilaian the actor may see: a unit-narrowed member only their unit's subtree."""
    rows = Penilaian.objects.filter(instansi_id=actor.instansi_id).select_related("unit", "cycle", "template")
    if cycle is not None:
        rows = rows.filter(cycle=cycle)
    if actor.is_unit_narrowed and actor.unit is not None:
        rows = rows.filter(unit__path__startswith=actor.unit.path)
    return rows.order_by("-cycle__tahun", "unit__path")


def tpi_tiers(*, instansi: Instansi) -> list[TPITier]:
    return list(TPITier.objects.filter(instansi=instansi).order_by("level"))


def tpi_levels(*, instansi_id: int) -> int:
    """How many TPI tiers the instansi uses (at least one)."""
    return max(1, TPITier.objects.filter(instansi_id=instansi_id).count())


def tpi_assigned_levels(*, actor: Membership, penilaian: Penilaian) -> set[int]:
    return set(
        TPIAssignment.objects.filter(
            instansi_id=actor.instansi_id, cycle_id=penilaian.cycle_id, unit_id=penilaian.unit_id, reviewer=actor.user
        ).values_list("level", flat=True)
    )


def jawaban_by_tier(*, penilaian: Penilaian) -> dict[TierKey, dict[int, Jawaban]]:
    """Every answer of the penilaian, per tier, keyed by PortalRB soal id (one query + evidence)."""
    result: dict[TierKey, dict[int, Jawaban]] = defaultdict(dict)
    rows = (
        Jawaban.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian)
        .select_related("soal")
        .prefetch_related("evidence")
    )
    for row in rows:
        result[(row.tier, row.level)][row.soal.portalrb_soal_id] = row
    return result


def answers_for(rows: dict[int, Jawaban]) -> dict[int, str | None]:
    return {soal_id: row.answer for soal_id, row in rows.items()}


@dataclass
class TierScore:
    key: TierKey
    result: ScoreResult
    estimates: list


def penilaian_spec(penilaian: Penilaian) -> TemplateSpec:
    return template_spec(penilaian.template_id)


def penilaian_scores(
    *, penilaian: Penilaian, by_tier: dict[TierKey, dict[int, Jawaban]] | None = None
) -> dict[TierKey, TierScore]:
    """Live scores of every tier that has answers (the unit's always)."""
    spec = penilaian_spec(penilaian)
    by_tier = by_tier if by_tier is not None else jawaban_by_tier(penilaian=penilaian)
    keys = sorted({UNIT_TIER, *by_tier}, key=lambda k: (["unit", "tpi", "tpn"].index(k[0]), k[1]))
    scores: dict[TierKey, TierScore] = {}
    for key in keys:
        result = score(spec, answers_for(by_tier.get(key, {})))
        scores[key] = TierScore(key, result, estimate(spec, result))
    return scores


def open_returns(*, penilaian: Penilaian) -> QuerySet[ItemReturn]:
    return ItemReturn.objects.filter(
        instansi_id=penilaian.instansi_id, penilaian=penilaian, status__in=[ReturnStatus.OPEN, ReturnStatus.FIXED]
    ).select_related("soal")
