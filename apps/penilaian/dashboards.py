"""Dashboard panels for penilaian: the unit's progress and the TPI's units to review."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from apps.core.charts import BarChart, Series
from apps.core.dashboards import Panel, register
from apps.core.memo import memoized
from apps.lke.scoring import score
from apps.pencanangan.selectors import signed_first_units
from apps.penilaian.models import ItemReturn, Jawaban, Penilaian, ReturnStatus, Tier, TPITier
from apps.penilaian.pages.detail import TierColumn, _score_rows, _tier_label, penilaian_rows
from apps.penilaian.sections import section_of_soal
from apps.penilaian.selectors import UNIT_TIER, TierKey, penilaian_list, penilaian_spec, review_queue, tier_answers
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Cycle
from apps.unit_kerja.selectors import cycle_current, cycle_next_deadline

# -----------------------------------------------------------------------------
# Unit panel (worksheet side): progress of the unit's LKE, returned items to fix, next deadline
# -----------------------------------------------------------------------------

UNIT_PANEL_RETURNS = 5
UNIT_PANEL_ROWS = 10
CHART_CANDIDATES = 20


Answers = dict[int, str | None]  # PortalRB soal id → answer


def _visible_penilaian(membership: Membership, cycle: Cycle) -> list[Penilaian]:
    """The first penilaian of the year the member may see: the unit panel lists the first ten, the
    charts panel picks one of the first twenty. Read once per dashboard (``apps.core.memo``)."""
    return memoized(
        ("penilaian.dashboard_penilaian", membership.pk, cycle.pk),
        lambda: list(penilaian_list(actor=membership, cycle=cycle)[:CHART_CANDIDATES]),
    )


def _unit_panel_applies(membership: Membership) -> bool:
    return membership.instansi_id is not None and membership.is_unit_narrowed and membership.can(Cap.PENILAIAN_VIEW)


def _chart_penilaian(membership: Membership, candidates: list[Penilaian]) -> Penilaian:
    """The LKE the chart shows: the member's own unit's, the most advanced one they can see."""
    return max(candidates, key=lambda p: (p.unit_id == membership.unit_id, p.status != "draft"))


def _lke_answers(membership: Membership, cycle: Cycle) -> tuple[dict[int, Answers], dict[TierKey, Answers]]:
    """The unit tier's answers of the unit panel's rows (their progress and total) and every tier's
    answers of the chart's LKE, in ONE query read once per dashboard: the two panels read them
    apart, and the chart's LKE is most often the first row (the member's own unit). Empty when the
    member sees no LKE this year."""

    def read() -> tuple[dict[int, Answers], dict[TierKey, Answers]]:
        candidates = _visible_penilaian(membership, cycle)
        rows: dict[int, Answers] = {}
        chosen: dict[TierKey, Answers] = {UNIT_TIER: {}}
        if not candidates:
            return rows, chosen
        row_ids = [p.pk for p in candidates[:UNIT_PANEL_ROWS]] if _unit_panel_applies(membership) else []
        rows = {pk: {} for pk in row_ids}
        chart = _chart_penilaian(membership, candidates)
        answers = Jawaban.objects.filter(
            Q(penilaian_id__in=row_ids, tier=Tier.UNIT, level=0) | Q(penilaian_id=chart.pk),
            instansi_id=chart.instansi_id,
        ).values_list("penilaian_id", "tier", "level", "soal__portalrb_soal_id", "answer")
        for penilaian_id, tier, level, soal_id, answer in answers:
            if penilaian_id in rows and (tier, level) == UNIT_TIER:
                rows[penilaian_id][soal_id] = answer
            if penilaian_id == chart.pk:
                chosen.setdefault((tier, level), {})[soal_id] = answer
        return rows, chosen

    return memoized(("penilaian.dashboard_answers", membership.pk, cycle.pk), read)


@register
def unit_worksheet_panel(membership: Membership) -> Panel | None:
    """For a member narrowed to a unit who may see the LKE: the current year's penilaian of their
    unit (subtree) with progress, the returned items still to fix, and what is due next. A handful
    of queries, none per row."""
    if not _unit_panel_applies(membership):
        return None
    cycle = cycle_current(instansi=membership.instansi_id)
    if cycle is None:
        return None
    penilaian = _visible_penilaian(membership, cycle)[:UNIT_PANEL_ROWS]
    open_returns = (
        ItemReturn.objects.filter(instansi_id=membership.instansi_id, penilaian__in=penilaian, status=ReturnStatus.OPEN)
        .select_related("soal", "penilaian")
        .order_by("penilaian_id", "soal__order")
        if penilaian
        else ItemReturn.objects.none()
    )
    returns = list(open_returns[: UNIT_PANEL_RETURNS + 1]) if penilaian else []
    for item in returns:
        # Link straight to the part of the worksheet that holds the item.
        item.section_slug = section_of_soal(penilaian_spec(item.penilaian))[item.soal.portalrb_soal_id].slug
    return Panel(
        template="penilaian/penilaian_panel_unit.html",
        context={
            "cycle": cycle,
            "rows": penilaian_rows(penilaian_list=penilaian, unit_answers=_lke_answers(membership, cycle)[0]),
            "returns": returns[:UNIT_PANEL_RETURNS],
            "more_returns": max(0, open_returns.count() - UNIT_PANEL_RETURNS)
            if len(returns) > UNIT_PANEL_RETURNS
            else 0,
            "deadline": cycle_next_deadline(cycle=cycle),
        },
        order=15,
    )


# -----------------------------------------------------------------------------
# TPI panel (review side): the units this person reviews this year, what waits on their tier
# -----------------------------------------------------------------------------

TPI_PANEL_LIMIT = 10


@register
def tpi_review_panel(membership: Membership) -> Panel | None:
    """For a TPI member (Cap.PENILAIAN_REVIEW): the current year's units they are assigned to, those
    waiting on their tier first, each with its status and current tier. Three queries, none per row."""
    if membership.instansi_id is None or not membership.can(Cap.PENILAIAN_REVIEW):
        return None
    cycle = cycle_current(instansi=membership.instansi_id)
    rows = review_queue(actor=membership, cycle=cycle) if cycle is not None else []
    rows.sort(key=lambda row: not row.waits_on_me)  # stable: keeps the unit order within each group
    return Panel(
        template="penilaian/partials/rv_panel.html",
        context={
            "cycle": cycle,
            "rows": rows[:TPI_PANEL_LIMIT],
            "waiting": sum(1 for row in rows if row.waits_on_me),
            "more": max(0, len(rows) - TPI_PANEL_LIMIT),
        },
        order=16,
    )


# -----------------------------------------------------------------------------
# Charts panel: the LKE per area (unit vs TPI tiers) and the Pakta Integritas coverage per unit
# -----------------------------------------------------------------------------

CHART_UNITS = 12


def _tier_scores(penilaian, by_tier=None):
    """Every tier's scores, and the score rows of the detail page, without what the chart does not
    show (predikat estimates and ranges, returns, assignments, progress): issue 22, the unit
    dashboard spent half its time in the whole detail page for these bars. ``by_tier``: the
    answers, if already read."""
    spec = penilaian_spec(penilaian)
    by_tier = by_tier if by_tier is not None else tier_answers(penilaian=penilaian)
    names = dict(TPITier.objects.filter(instansi_id=penilaian.instansi_id).values_list("level", "name"))
    order = [Tier.UNIT, Tier.TPI, Tier.TPN]
    columns = [
        TierColumn(key, _tier_label(key, names), score(spec, by_tier[key]), [])
        for key in sorted(by_tier, key=lambda k: (order.index(k[0]) if k[0] in order else 9, k[1]))
    ]
    return columns, _score_rows(spec, columns)


@register
def charts_panel(membership: Membership) -> Panel | None:
    """For every instansi member: the pakta coverage per visible unit (their own unit for a unit
    member), and, for those who may see the LKE, the current year's LKE per area with the unit's
    score beside each TPI tier's (the most advanced LKE they can see). A few queries, none per row."""
    if membership.instansi_id is None:
        return None
    cycle = cycle_current(instansi=membership.instansi_id)
    if cycle is None:
        return None
    charts = []
    if membership.can(Cap.PENILAIAN_VIEW):
        candidates = _visible_penilaian(membership, cycle)
        if candidates:
            chosen = _chart_penilaian(membership, candidates)
            columns, score_rows = _tier_scores(chosen, _lke_answers(membership, cycle)[1])
            areas = [row for row in score_rows if row.level == "area"]
            charts.append(
                BarChart(
                    title=_("LKE %(tahun)s per area — %(unit)s (%% of each area's weight)")
                    % {"tahun": cycle.tahun, "unit": chosen.unit.name},
                    categories=[row.label for row in areas],
                    series=[
                        Series(
                            column.label,
                            [
                                (row.values[i] * 100 / row.weight).quantize(Decimal("0.1")) if row.weight else None
                                for row in areas
                            ],
                        )
                        for i, column in enumerate(columns)
                    ],
                    maximum=100,
                    unit=" %",
                )
            )
    coverage = signed_first_units(actor=membership, cycle=cycle, limit=CHART_UNITS)
    if coverage:
        charts.append(
            BarChart(
                title=_("Pakta Integritas %(tahun)s: pegawai who signed, per unit") % {"tahun": cycle.tahun},
                categories=[row.unit.name for row in coverage],
                series=[Series(_("Signed"), [row.pct for row in coverage])],
                maximum=100,
                unit=" %",
            )
        )
    if not charts:
        return None
    return Panel(template="partials/panel_charts.html", context={"charts": charts}, order=40)
