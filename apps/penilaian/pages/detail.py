"""Page data of the unit's side of the penilaian besides the worksheet: the list (progress and the
unit's total per penilaian) and the detail page (scores of every tier side by side, the predikat
estimate, progress per section, the returned items and the area assignments), each in a constant
number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from apps.lke.scoring import (
    Completeness,
    Estimate,
    PredikatRange,
    ScoreResult,
    TemplateSpec,
    completeness,
    estimate,
    half_completeness,
    predikat_estimate,
    predikat_range,
    score,
)
from apps.penilaian.models import (
    AreaAssignment,
    ItemReturn,
    Jawaban,
    Penilaian,
    Tier,
    TPITier,
)
from apps.penilaian.pages.worksheet import SectionProgress
from apps.penilaian.sections import (
    HALF_LABELS,
    Section,
    section_list,
    section_of_soal,
)
from apps.penilaian.selectors import UNIT_TIER, TierKey, area_assignments, penilaian_spec, unit_returns


def area_choices(spec: TemplateSpec) -> list[tuple[int, str]]:
    """Areas a pokja member can be given: the six areas perubahan (by name) and the hasil part."""
    names: dict[int, str] = {}
    for section in section_list(spec):
        if section.area not in names:
            names[section.area] = section.long if section.half else section.short
    return sorted(names.items())


# -----------------------------------------------------------------------------
# The detail page: scores per tier, predikat estimate, progress, returns
# -----------------------------------------------------------------------------


@dataclass
class TierColumn:
    key: TierKey
    label: str
    result: ScoreResult
    estimates: list[Estimate]
    bounds: PredikatRange | None = None  # an incomplete tier gets a range, never one predikat

    @property
    def predikat(self) -> str | None:
        if self.bounds is not None and not self.bounds.complete:
            return None
        return predikat_estimate(self.estimates)

    @property
    def dom_id(self) -> str:
        tier, level = self.key
        return f"tier-{tier}{level or ''}"


@dataclass
class ScoreRow:
    label: str
    weight: Decimal
    values: list[Decimal]
    level: str  # "area", "subtotal", "total"
    done: list[Completeness] = field(default_factory=list)  # answered/total beside each value

    @property
    def cells(self) -> list[tuple[Decimal, Completeness | None]]:
        return [(value, self.done[i] if i < len(self.done) else None) for i, value in enumerate(self.values)]


@dataclass
class ReturnRow:
    item: ItemReturn
    section: Section | None


@dataclass
class DetailPage:
    penilaian: Penilaian
    columns: list[TierColumn]
    score_rows: list[ScoreRow]
    sections: list[SectionProgress]
    returns: list[ReturnRow]
    assignments: list[AreaAssignment]
    answered: int
    total: int

    @property
    def unit(self) -> TierColumn:
        return self.columns[0]


def _tier_label(key: TierKey, tiers: Mapping[int, str]) -> str:
    tier, level = key
    if tier == Tier.UNIT:
        return str(_("Unit (self-assessment)"))
    if tier == Tier.TPI:
        name = tiers.get(level)
        return f"TPI {level}" + (f" — {name}" if name else "")
    return "TPN"


def tier_answers(*, penilaian: Penilaian) -> dict[TierKey, dict[int, str | None]]:
    """Every tier's answers in one query (the unit's always present, possibly empty)."""
    answers: dict[TierKey, dict[int, str | None]] = {UNIT_TIER: {}}
    rows = Jawaban.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian).values_list(
        "tier", "level", "soal__portalrb_soal_id", "answer"
    )
    for tier, level, soal_id, answer in rows:
        answers.setdefault((tier, level), {})[soal_id] = answer
    return answers


def _score_rows(spec: TemplateSpec, columns: list[TierColumn]) -> list[ScoreRow]:
    rows: list[ScoreRow] = []
    halves = {n.half: n for n in spec.nodes() if n.level == "sub_komponen" and n.half}
    for half in ("pemenuhan", "reform"):
        areas = sorted(columns[0].result.areas.get(half, {}).items())
        for area, node in areas:
            rows.append(
                ScoreRow(
                    f"{HALF_LABELS[half]} {node.name}",
                    node.weight,
                    [c.result.areas[half][area].points for c in columns],
                    "area",
                    [completeness(c.result, node.node_id) for c in columns],
                )
            )
        weight = halves[half].weight if half in halves else Decimal(30)
        done = [half_completeness(spec, c.result, half) for c in columns]
        rows.append(
            ScoreRow(str(HALF_LABELS[half]), weight, [getattr(c.result, half) for c in columns], "subtotal", done)
        )
    pengungkit = sum((n.weight for n in halves.values()), Decimal(0))
    done = [half_completeness(spec, c.result, "pengungkit") for c in columns]
    rows.append(ScoreRow(str(_("Pengungkit")), pengungkit, [c.result.pengungkit for c in columns], "subtotal", done))
    hasil = next((n for n in spec.nodes() if n.level == "komponen" and n.komponen == "hasil"), None)
    if hasil is not None:
        for child in hasil.children:
            rows.append(
                ScoreRow(
                    child.name,
                    child.weight,
                    [c.result.nodes[child.node_id].points for c in columns],
                    "area",
                    [completeness(c.result, child.node_id) for c in columns],
                )
            )
        done = [half_completeness(spec, c.result, "hasil") for c in columns]
        rows.append(ScoreRow(str(_("Hasil")), hasil.weight, [c.result.hasil for c in columns], "subtotal", done))
    total = sum((root.weight for root in spec.roots), Decimal(0))
    done = [completeness(c.result) for c in columns]
    rows.append(ScoreRow(str(_("Total")), total, [c.result.total for c in columns], "total", done))
    return rows


def detail_page(*, penilaian: Penilaian) -> DetailPage:
    """Scores of every tier side by side, the predikat estimate per tier, progress per section,
    the returned items and the area assignments — in a constant number of queries."""
    spec = penilaian_spec(penilaian)
    by_tier = tier_answers(penilaian=penilaian)
    tiers = dict(TPITier.objects.filter(instansi_id=penilaian.instansi_id).values_list("level", "name"))
    order = [Tier.UNIT, Tier.TPI, Tier.TPN]
    columns = []
    for key in sorted(by_tier, key=lambda k: (order.index(k[0]) if k[0] in order else 9, k[1])):
        result = score(spec, by_tier[key])
        bounds = predikat_range(spec, by_tier[key])
        columns.append(TierColumn(key, _tier_label(key, tiers), result, estimate(spec, result), bounds))
    returns = unit_returns(penilaian=penilaian)
    assignments = area_assignments(penilaian=penilaian)
    unit_answers = by_tier[UNIT_TIER]
    # Progress counts answered items; a lightweight state without rows is enough.
    answered_ids = {soal_id for soal_id, answer in unit_answers.items() if answer is not None}
    sections = [
        SectionProgress(
            section=section,
            answered=sum(1 for soal_id in section.soal_ids if soal_id in answered_ids),
            points=columns[0].result.nodes[section.node.node_id].points,
            assignees=[a.assignee for a in assignments if a.area == section.area],
        )
        for section in section_list(spec)
    ]
    by_soal = section_of_soal(spec)
    return DetailPage(
        penilaian=penilaian,
        columns=columns,
        score_rows=_score_rows(spec, columns),
        sections=sections,
        returns=[ReturnRow(item, by_soal.get(soal_id)) for soal_id, item in returns.items()],
        assignments=assignments,
        answered=len(answered_ids),
        total=len(spec.soal_by_id()),
    )


# -----------------------------------------------------------------------------
# The list page
# -----------------------------------------------------------------------------


@dataclass
class ListRow:
    penilaian: Penilaian
    answered: int
    total: int
    unit_total: Decimal


def penilaian_rows(
    *, penilaian_list: Iterable[Penilaian], unit_answers: Mapping[int, dict[int, str | None]] | None = None
) -> list[ListRow]:
    """Progress and the unit tier's total for each penilaian of a page, in one query (none when the
    caller has read their unit tier's answers already: ``unit_answers``, penilaian id → answers)."""
    items = list(penilaian_list)
    if not items:
        return []
    answers: Mapping[int, dict[int, str | None]]
    if unit_answers is None:
        answers = defaultdict(dict)
        rows = Jawaban.objects.filter(
            instansi_id=items[0].instansi_id, penilaian__in=items, tier=Tier.UNIT, level=0
        ).values_list("penilaian_id", "soal__portalrb_soal_id", "answer")
        for penilaian_id, soal_id, answer in rows:
            answers[penilaian_id][soal_id] = answer
    else:
        answers = unit_answers
    result = []
    for penilaian in items:
        spec = penilaian_spec(penilaian)
        given = answers.get(penilaian.pk, {})
        result.append(
            ListRow(
                penilaian=penilaian,
                answered=sum(1 for a in given.values() if a is not None),
                total=len(spec.soal_by_id()),
                unit_total=score(spec, given).total,
            )
        )
    return result
