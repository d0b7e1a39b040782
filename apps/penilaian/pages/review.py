"""Page data of the TPI review: sections, per-soal rows beside the lower tiers, score tables.

Views stay thin: they resolve the object with an ``access_*`` function (``apps.penilaian.access``)
and hand a builder's dataclass to the template. Every builder reads through ``selectors`` in a fixed number of queries,
whatever is answered (the review page is pinned by a test), and computes scores in memory with the
pure engine (``apps.lke.scoring``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.lke.models import Soal
from apps.lke.scoring import (
    Completeness,
    Estimate,
    NodeSpec,
    PredikatRange,
    ScoreResult,
    TemplateSpec,
    completeness,
    estimate,
    predikat_estimate,
    predikat_range,
    score,
)
from apps.penilaian import selectors
from apps.penilaian.forms.review import RecommendationForm, ReturnForm, ReviewAnswerForm
from apps.penilaian.models import (
    ItemReturn,
    Jawaban,
    Penilaian,
    PenilaianStatus,
    Recommendation,
    ReturnStatus,
    Tier,
)
from apps.penilaian.sections import Section, section_get_or_404, section_list, section_slug_of
from apps.penilaian.selectors import UNIT_TIER, TierKey, answers_for
from apps.reports.selectors import report_list
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap

S = PenilaianStatus
CLOSED_STATUSES = frozenset({S.CLOSED, S.RECOMMENDED, S.NOT_RECOMMENDED})

# -----------------------------------------------------------------------------
# Tiers shown and scores
# -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One tier column: the unit or a TPI tier."""

    key: TierKey
    label: str

    @property
    def level(self) -> int:
        return self.key[1] if self.key[0] == Tier.TPI else 0


def shown_levels(penilaian: Penilaian, tier_count: int) -> list[int]:
    """The TPI tiers that have reviewed (or review now): none in draft, all once closed."""
    if penilaian.status in CLOSED_STATUSES:
        return list(range(1, max(tier_count, penilaian.current_level) + 1))
    if penilaian.status in {S.IN_REVIEW, S.REVISION}:
        return list(range(1, penilaian.current_level + 1))
    return []


def tier_label(level: int, names: Mapping[int, str]) -> str:
    return f"TPI {level} · {names[level]}" if level in names else f"TPI {level}"


def columns_for(levels: list[int], names: Mapping[int, str]) -> list[Column]:
    tiers = [Column((Tier.TPI, level), tier_label(level, names)) for level in levels]
    return [Column(UNIT_TIER, str(_("Unit"))), *tiers]


def results_for(
    spec: TemplateSpec, columns: list[Column], by_tier: Mapping[TierKey, Mapping[int, Jawaban]]
) -> list[ScoreResult]:
    return [score(spec, answers_for(dict(by_tier.get(column.key, {})))) for column in columns]


@dataclass
class ScoreRow:
    label: str
    weight: Decimal
    points: list[Decimal]
    kind: str  # "area", "subtotal", "total"
    done: list[Completeness] = field(default_factory=list)  # answered/total beside each column's points

    @property
    def cells(self) -> list[tuple[Decimal, Completeness | None]]:
        return [(value, self.done[i] if i < len(self.done) else None) for i, value in enumerate(self.points)]


def score_table(spec: TemplateSpec, results: list[ScoreResult]) -> list[ScoreRow]:
    """In the workbook's order, each group's row first with its sum: Pengungkit, Pemenuhan and its
    six areas, Reform and its six areas, Hasil and its two parts, then the total; one value per
    column."""
    rows: list[ScoreRow] = []

    def node_row(node: NodeSpec, kind: str) -> ScoreRow:
        points = [r.nodes[node.node_id].points for r in results]
        return ScoreRow(node.name, node.weight, points, kind, [completeness(r, node.node_id) for r in results])

    for root in spec.roots:
        rows.append(node_row(root, "subtotal"))
        for sub in root.children:
            if root.komponen == "pengungkit":
                rows.append(node_row(sub, "subtotal"))
                rows.extend(node_row(area, "area") for area in sub.children)
            else:
                rows.append(node_row(sub, "area"))
    total_weight = sum((root.weight for root in spec.roots), Decimal(0))
    done = [completeness(r) for r in results]
    rows.append(ScoreRow(str(_("Total (nilai evaluasi ZI)")), total_weight, [r.total for r in results], "total", done))
    return rows


@dataclass
class PredikatView:
    """The predikat estimate of one tier: the best predikat met and every failing rule with its gap."""

    column: Column
    best: str | None
    estimates: list[Estimate]
    bounds: PredikatRange | None = None  # incomplete: the range instead of one predikat


def predikat_view(
    spec: TemplateSpec, column: Column, result: ScoreResult, answers: Mapping[int, str | None] | None = None
) -> PredikatView:
    """The estimate of one tier. Given its answers, an incomplete tier gets no single predikat
    (``best`` None) but the range between every unanswered item at 0 and at full marks."""
    estimates = estimate(spec, result)
    bounds = predikat_range(spec, answers) if answers is not None else None
    best = predikat_estimate(estimates) if bounds is None or bounds.complete else None
    return PredikatView(column=column, best=best, estimates=estimates, bounds=bounds)


# -----------------------------------------------------------------------------
# One soal beside the tiers
# -----------------------------------------------------------------------------


@dataclass
class TierCell:
    column: Column
    row: Jawaban | None
    is_current: bool
    differs_from_unit: bool
    differs_from_below: bool

    @property
    def answer(self) -> str | None:
        return self.row.answer if self.row else None

    @property
    def note(self) -> str:
        return self.row.note if self.row else ""


@dataclass
class ReviewItem:
    soal: Soal
    section: str
    unit_row: Jawaban | None
    cells: list[TierCell]
    editable: bool
    current_row: Jawaban | None
    form: ReviewAnswerForm | None
    item_return: ItemReturn | None
    return_form: ReturnForm | None
    can_accept: bool
    message: str | Promise | None = None
    error: str | Promise | None = None

    @property
    def number(self) -> int:
        return self.soal.portalrb_soal_id

    @property
    def revision_count(self) -> int:
        return self.unit_row.revision_count if self.unit_row else 0

    @property
    def has_difference(self) -> bool:
        return any(cell.differs_from_unit or cell.differs_from_below for cell in self.cells)


def _latest_return(returns: list[ItemReturn]) -> ItemReturn | None:
    """The item's live return (open or waiting for re-check) if any, else its latest accepted one."""
    for item in returns:
        if item.status != ReturnStatus.ACCEPTED:
            return item
    return returns[0] if returns else None


def build_item(
    *,
    soal: Soal,
    by_tier: Mapping[TierKey, Mapping[int, Jawaban]],
    returns: list[ItemReturn],
    columns: list[Column],
    current_level: int,
    editable: bool,
    form: ReviewAnswerForm | None = None,
    return_form: ReturnForm | None = None,
    message: str | Promise | None = None,
    error: str | Promise | None = None,
) -> ReviewItem:
    soal_id = soal.portalrb_soal_id
    unit_row = by_tier.get(UNIT_TIER, {}).get(soal_id)
    cells: list[TierCell] = []
    below: Jawaban | None = unit_row
    for column in columns[1:]:
        row = by_tier.get(column.key, {}).get(soal_id)
        answer = row.answer if row else None
        below_answer = below.answer if below else None
        cells.append(
            TierCell(
                column=column,
                row=row,
                is_current=column.level == current_level,
                # Only a given answer can differ; "not answered yet" is shown as such, not as a difference.
                differs_from_unit=answer is not None and answer != (unit_row.answer if unit_row else None),
                differs_from_below=column.level > 1 and answer is not None and answer != below_answer,
            )
        )
        below = row
    current_row = by_tier.get((Tier.TPI, current_level), {}).get(soal_id) if current_level else None
    item_return = _latest_return(returns)
    if editable and form is None:
        form = ReviewAnswerForm(
            soal=soal,
            initial={
                "answer": current_row.answer if current_row else "",
                "note": current_row.note if current_row else "",
                "version": current_row.version if current_row else 0,
            },
        )
    if not editable:
        # A refusal that made the row read-only (e.g. the review was closed meanwhile) has no form
        # to sit in: say it beside the item instead.
        refusals = [str(e) for f in (form, return_form) if f is not None for e in f.non_field_errors()]
        error = error or " ".join(refusals) or None
    if editable and return_form is None:
        live = item_return if item_return and item_return.status != ReturnStatus.ACCEPTED else None
        return_form = ReturnForm(soal=soal, initial={"note": live.note if live else ""})
    return ReviewItem(
        soal=soal,
        section=section_slug_of(soal),
        unit_row=unit_row,
        cells=cells,
        editable=editable,
        current_row=current_row,
        form=form if editable else None,
        item_return=item_return,
        return_form=return_form if editable else None,
        can_accept=editable and item_return is not None and item_return.status == ReturnStatus.FIXED,
        message=message,
        error=error,
    )


@dataclass
class ReviewContext:
    """What every review page knows: the penilaian, the tiers, and what the actor may do."""

    penilaian: Penilaian
    tier_names: dict[int, str]
    tier_count: int
    my_levels: set[int]
    levels: list[int]
    columns: list[Column]
    editable: bool

    @property
    def current_tier_label(self) -> str:
        level = self.penilaian.current_level
        return tier_label(level, self.tier_names) if level else ""

    @property
    def is_closed(self) -> bool:
        return self.penilaian.status in CLOSED_STATUSES


def review_context(*, actor: Membership, penilaian: Penilaian) -> ReviewContext:
    names = selectors.tpi_tier_names(instansi_id=penilaian.instansi_id)
    tier_count = max(1, len(names))
    levels = shown_levels(penilaian, tier_count)
    checked = getattr(penilaian, "checked_levels", None)  # set by access_penilaian_review for this actor
    if checked is not None and checked[0] == actor.pk:
        my_levels = set(checked[1])
    else:
        my_levels = selectors.tpi_assigned_levels(actor=actor, penilaian=penilaian)
    return ReviewContext(
        penilaian=penilaian,
        tier_names=names,
        tier_count=tier_count,
        my_levels=my_levels,
        levels=levels,
        columns=columns_for(levels, names),
        editable=penilaian.status == S.IN_REVIEW and penilaian.current_level in my_levels,
    )


def review_item(
    *,
    actor: Membership,
    penilaian: Penilaian,
    soal: Soal,
    form: ReviewAnswerForm | None = None,
    return_form: ReturnForm | None = None,
    message: str | Promise | None = None,
    error: str | Promise | None = None,
) -> tuple[ReviewContext, ReviewItem]:
    """One soal's row, re-read after a save (the HTMX fragment)."""
    context = review_context(actor=actor, penilaian=penilaian)
    by_tier = selectors.jawaban_by_tier(penilaian=penilaian, soal_ids=[soal.portalrb_soal_id])
    returns = selectors.item_returns_by_soal(penilaian=penilaian).get(soal.portalrb_soal_id, [])
    item = build_item(
        soal=soal,
        by_tier=by_tier,
        returns=returns,
        columns=context.columns,
        current_level=penilaian.current_level,
        editable=context.editable,
        form=form,
        return_form=return_form,
        message=message,
        error=error,
    )
    return context, item


# -----------------------------------------------------------------------------
# The section page
# -----------------------------------------------------------------------------


@dataclass
class SectionScore:
    column: Column
    section_points: Decimal
    section_weight: Decimal
    total: Decimal


@dataclass
class ReviewPage:
    context: ReviewContext
    section: Section
    sections: list[Section]
    items: list[ReviewItem]
    scores: list[SectionScore]
    previous: Section | None
    next: Section | None
    differences: int = 0
    copy_available: bool = False


def review_page(*, actor: Membership, penilaian: Penilaian, slug: str) -> ReviewPage:
    """One section of the review: every soal beside the tiers, and the section's scores per tier.

    Queries: tiers, assignments, the section's soal, every answer (+ evidence), the returns — the
    same number however many answers there are.
    """
    spec = selectors.penilaian_spec(penilaian)
    section = section_get_or_404(spec, slug)
    all_sections = section_list(spec)
    context = review_context(actor=actor, penilaian=penilaian)
    node = section.node
    answers, by_tier = selectors.jawaban_section(penilaian=penilaian, soal_ids=section.soal_ids)
    soal_rows = selectors.soal_list(penilaian=penilaian, soal_ids=list(section.soal_ids))
    returns = selectors.item_returns_by_soal(penilaian=penilaian)
    items = [
        build_item(
            soal=soal,
            by_tier=by_tier,
            returns=returns.get(soal.portalrb_soal_id, []),
            columns=context.columns,
            current_level=penilaian.current_level,
            editable=context.editable,
        )
        for soal in soal_rows
    ]
    results = [score(spec, answers.get(column.key, {})) for column in context.columns]
    scores = [
        SectionScore(column, result.nodes[node.node_id].points, node.weight, result.total)
        for column, result in zip(context.columns, results, strict=True)
    ]
    index = all_sections.index(section)
    below_key = selectors.tier_below(penilaian.current_level) if penilaian.current_level else UNIT_TIER
    return ReviewPage(
        context=context,
        section=section,
        sections=all_sections,
        items=items,
        scores=scores,
        previous=all_sections[index - 1] if index > 0 else None,
        next=all_sections[index + 1] if index + 1 < len(all_sections) else None,
        differences=sum(1 for item in items if item.has_difference),
        copy_available=context.editable
        and any(
            item.current_row is None or item.current_row.answer is None
            for item in items
            if by_tier.get(below_key, {}).get(item.number) is not None
        ),
    )


# -----------------------------------------------------------------------------
# The summary page
# -----------------------------------------------------------------------------


@dataclass
class SectionProgress:
    section: Section
    soal_count: int
    answered: int
    differences: int
    returned: int


@dataclass
class SummaryPage:
    context: ReviewContext
    table: list[ScoreRow]
    predikat: PredikatView | None
    progress: list[SectionProgress]
    soal_count: int
    answered_current: int
    live_returns: list[tuple[ItemReturn, str]]  # with the section that holds the soal
    return_counts: selectors.ReturnCounts
    recommendation: Recommendation | None
    recommendation_form: RecommendationForm | None
    reports: list[Any] = field(default_factory=list)
    unit_unanswered: int = 0  # soal the unit left blank (issue 17: returned all at once)

    @property
    def can_return_unanswered(self) -> bool:
        return self.context.editable and self.unit_unanswered > 0

    @property
    def unanswered_current(self) -> int:
        return self.soal_count - self.answered_current

    @property
    def can_send_back(self) -> bool:
        return self.context.editable and self.return_counts.open > 0

    @property
    def can_recommend(self) -> bool:
        return self.context.penilaian.status == S.CLOSED and bool(self.context.my_levels)


def summary_page(
    *, actor: Membership, penilaian: Penilaian, recommendation_form: RecommendationForm | None = None
) -> SummaryPage:
    """The review at a glance: scores per area and tier, the estimate of the latest tier, progress
    per section, returned items, and the workflow actions the actor may take."""
    spec = selectors.penilaian_spec(penilaian)
    context = review_context(actor=actor, penilaian=penilaian)
    by_tier = selectors.jawaban_by_tier(penilaian=penilaian)
    soal_rows = selectors.soal_list(penilaian=penilaian)
    returns = selectors.item_returns_by_soal(penilaian=penilaian)
    results = results_for(spec, context.columns, by_tier)
    last = context.columns[-1]
    current_key = (Tier.TPI, penilaian.current_level)
    progress: dict[str, SectionProgress] = {
        section.slug: SectionProgress(section, 0, 0, 0, 0) for section in section_list(spec)
    }
    answered_current = 0
    unit_unanswered = 0
    live_returns: list[tuple[ItemReturn, str]] = []
    for soal in soal_rows:
        row = progress[section_slug_of(soal)]
        row.soal_count += 1
        mine = by_tier.get(current_key, {}).get(soal.portalrb_soal_id)
        if mine is not None and mine.answer is not None:
            row.answered += 1
            answered_current += 1
        unit_row = by_tier.get(UNIT_TIER, {}).get(soal.portalrb_soal_id)
        if unit_row is None or unit_row.answer is None:
            unit_unanswered += 1
        if mine is not None and mine.answer is not None and mine.answer != (unit_row.answer if unit_row else None):
            row.differences += 1
        live = _latest_return(returns.get(soal.portalrb_soal_id, []))
        if live is not None and live.status != ReturnStatus.ACCEPTED:
            row.returned += 1
            live_returns.append((live, row.section.slug))
    recommendation = Recommendation.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian).first()
    page = SummaryPage(
        context=context,
        table=score_table(spec, results),
        predikat=(
            predikat_view(spec, last, results[-1], answers_for(dict(by_tier.get(last.key, {}))))
            if len(context.columns) > 1
            else None
        ),
        progress=list(progress.values()),
        soal_count=len(soal_rows),
        answered_current=answered_current,
        live_returns=live_returns,
        return_counts=selectors.return_counts(penilaian=penilaian),
        recommendation=recommendation,
        recommendation_form=None,
        unit_unanswered=unit_unanswered,
    )
    if page.can_recommend:
        page.recommendation_form = recommendation_form or RecommendationForm()
    if actor.can(Cap.REPORT_CREATE):
        page.reports = report_list(actor=actor, kind="lhe", params={"penilaian": str(penilaian.public_id)})[:5]
    return page
