"""Reads of penilaian: answers per tier and the live scores, in a constant number of queries."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import router
from django.db.models import CharField, Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Cast, Coalesce

from apps.bukti_dukung.holders import bukti_of_unit_q
from apps.bukti_dukung.models import BuktiDukung
from apps.lke.models import Soal
from apps.lke.scoring import Estimate, ScoreResult, TemplateSpec, estimate, score
from apps.lke.selectors import template_soal, template_soal_numbers, template_spec
from apps.penilaian.models import (
    AreaAssignment,
    ItemReturn,
    ItemReturnEvent,
    Jawaban,
    Penilaian,
    PenilaianStatus,
    Recommendation,
    ReturnStatus,
    Tier,
    TPIAssignment,
    TPITier,
)
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.roles import ROLE_CAPABILITIES, Cap
from apps.tenancy.selectors import membership_list_for_instansi
from apps.tenancy.shapes import QueryShape
from apps.unit_kerja.models import Cycle, UnitKerja

if TYPE_CHECKING:
    from apps.accounts.models import User

TierKey = tuple[str, int]  # ("unit", 0), ("tpi", 1..3), ("tpn", 0)
UNIT_TIER: TierKey = (Tier.UNIT, 0)


def tier_label(key: TierKey) -> str:
    tier, level = key
    return f"{tier}{level}" if level else str(tier)


def penilaian_list(*, actor: Membership, cycle: Cycle | None = None) -> QuerySet[Penilaian]:
    """Penilaian the actor may see: a unit-narrowed member only their unit's subtree."""
    rows = Penilaian.objects.filter(instansi_id=actor.instansi_id).select_related("unit", "cycle", "template")  # type: ignore[misc]  # no instansi: no row
    if cycle is not None:
        rows = rows.filter(cycle=cycle)
    if actor.is_unit_narrowed and actor.unit is not None:
        rows = rows.filter(unit__instansi_id=actor.instansi_id, unit__path__under=actor.unit.path)  # type: ignore[misc]  # no instansi: no row
    return rows.order_by("-cycle__tahun", "unit__path")


def tpi_tiers(*, instansi: Instansi) -> list[TPITier]:
    return list(TPITier.objects.filter(instansi=instansi).order_by("level"))


def tpi_levels(*, instansi_id: int) -> int:
    """How many TPI tiers the instansi uses (at least one)."""
    return max(1, TPITier.objects.filter(instansi_id=instansi_id).count())


def tpi_assigned_levels(*, actor: Membership, penilaian: Penilaian) -> set[int]:
    """The TPI tiers the actor reviews this penilaian at (by the user's id: no user row is read)."""
    return set(
        TPIAssignment.objects.filter(  # type: ignore[misc]  # no instansi: no row
            instansi_id=actor.instansi_id,
            cycle_id=penilaian.cycle_id,
            unit_id=penilaian.unit_id,
            reviewer_id=actor.user_id,
        ).values_list("level", flat=True)
    )


def jawaban_by_tier(
    *, penilaian: Penilaian, soal_ids: Collection[int] | None = None
) -> dict[TierKey, dict[int, Jawaban]]:
    """Every answer of the penilaian (or of some PortalRB soal ids), per tier, keyed by PortalRB
    soal id (one query + evidence). Each row's files are the list ``row.evidence_files`` (a
    ``Prefetch`` with ``to_attr``): a plain ``prefetch_related("evidence")`` built a scoped
    related manager and queryset for each of the ~500 rows of a full LKE, most of the TPI review
    page's time (issue 9). Each row's soal is the template's cached one."""
    result: dict[TierKey, dict[int, Jawaban]] = defaultdict(dict)
    rows = Jawaban.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian).annotate(
        soal_number=F("soal__portalrb_soal_id")
    )
    if soal_ids is not None:
        rows = rows.filter(soal__portalrb_soal_id__in=list(soal_ids))
    rows = rows.prefetch_related(Prefetch("evidence", queryset=BuktiDukung.objects.all(), to_attr="evidence_files"))
    soal = template_soal(penilaian.template_id)
    for row in rows:
        Jawaban.soal.field.set_cached_value(row, soal[row.soal_number])
        result[(row.tier, row.level)][row.soal_number] = row
    return result


# Every column of a Jawaban, with public_id read as text: the rows of a whole LKE are read for their
# answers and only a section's few become objects, so the UUID is parsed for those alone (psycopg2
# parses a uuid column in Python, the largest cost of reading 500 rows).
_JAWABAN_FIELDS = [f.attname for f in Jawaban._meta.concrete_fields]
_PUBLIC_ID_AT = _JAWABAN_FIELDS.index("public_id")
_JAWABAN_COLUMNS = [name if name != "public_id" else "public_id_text" for name in _JAWABAN_FIELDS]


def _jawaban_rows(query: QuerySet[Jawaban], *extra: str) -> QuerySet[Any]:
    """``query`` as tuples of ``_JAWABAN_FIELDS`` (public_id as text) followed by ``extra``."""
    return query.annotate(public_id_text=Cast("public_id", output_field=CharField())).values_list(
        *_JAWABAN_COLUMNS, *extra
    )


def _jawaban_from(db: str, values: tuple[Any, ...]) -> Jawaban:
    """A Jawaban from the first ``len(_JAWABAN_FIELDS)`` values of a ``_jawaban_rows`` tuple."""
    row = list(values[: len(_JAWABAN_FIELDS)])
    row[_PUBLIC_ID_AT] = uuid.UUID(str(row[_PUBLIC_ID_AT]))
    return Jawaban.from_db(db, _JAWABAN_FIELDS, row)


def jawaban_section(
    *, penilaian: Penilaian, soal_ids: Collection[int]
) -> tuple[dict[TierKey, dict[int, str | None]], dict[TierKey, dict[int, Jawaban]]]:
    """Every tier's answers (the scores need them all) and the whole rows of ``soal_ids`` only, with
    their files (``evidence_files``) — a section of the review page — in two queries: the answers
    come as plain tuples and only the section's rows become ``Jawaban`` objects (a dozen of ~500)."""
    fields = _JAWABAN_FIELDS
    at = {name: fields.index(name) for name in ("tier", "level", "answer")}
    rows = _jawaban_rows(Jawaban.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian).order_by())
    wanted = set(soal_ids)
    soal = template_soal(penilaian.template_id)
    number_of = template_soal_numbers(penilaian.template_id)  # the number without a join to the soal
    soal_at = fields.index("soal_id")
    answers: dict[TierKey, dict[int, str | None]] = defaultdict(dict)
    whole: dict[TierKey, dict[int, Jawaban]] = defaultdict(dict)
    for values in rows:
        number = number_of[values[soal_at]]
        key = (values[at["tier"]], values[at["level"]])
        answers[key][number] = values[at["answer"]]
        if number in wanted:
            row = _jawaban_from(rows.db, values)
            row.soal_number = number  # type: ignore[attr-defined]
            Jawaban.soal.field.set_cached_value(row, soal[number])
            whole[key][number] = row
    _attach_evidence(penilaian, whole, wanted)
    return answers, whole


def _attach_evidence(penilaian: Penilaian, by_tier: dict[TierKey, dict[int, Jawaban]], soal_ids: set[int]) -> None:
    """``evidence_files`` of the rows of ``soal_ids`` (one query over the M2M table); [] for the others."""
    through = Jawaban.evidence.through
    rows = {row.pk: row for answers in by_tier.values() for soal_id, row in answers.items() if soal_id in soal_ids}
    for answers in by_tier.values():
        for row in answers.values():
            row.evidence_files = []  # type: ignore[attr-defined]
    links = (
        through.objects.filter(jawaban__instansi_id=penilaian.instansi_id, jawaban_id__in=list(rows))
        .select_related("buktidukung")
        .order_by("-buktidukung__created_at", "pk")  # the files' own order (BuktiDukung.Meta)
    )
    for link in links:
        rows[link.jawaban_id].evidence_files.append(link.buktidukung)  # type: ignore[attr-defined]


def answers_for(rows: dict[int, Jawaban]) -> dict[int, str | None]:
    return {soal_id: row.answer for soal_id, row in rows.items()}


@dataclass
class TierScore:
    key: TierKey
    result: ScoreResult
    estimates: list[Estimate]


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


# -----------------------------------------------------------------------------
# TPI: tiers, assignments, who is told what
# -----------------------------------------------------------------------------


def tier_below(level: int) -> TierKey:
    """The tier a TPI tier reviews beside its own: the tier before it, or the unit's for tier 1."""
    return (Tier.TPI, level - 1) if level > 1 else UNIT_TIER


def _roles_with(capability: str) -> list[str]:
    # Capabilities decide; the query needs the roles that carry them.
    return sorted(role for role, caps in ROLE_CAPABILITIES.items() if capability in caps)


def tpi_reviewer_choices(*, instansi: Instansi | int) -> QuerySet[Membership]:
    """Active memberships of the instansi that may review (Cap.PENILAIAN_REVIEW)."""
    instansi_id = instansi if isinstance(instansi, int) else instansi.pk
    return (
        Membership.objects.filter(instansi_id=instansi_id, is_active=True, role__in=_roles_with(Cap.PENILAIAN_REVIEW))
        .select_related("user")
        .order_by("user__name", "user__email")
    )


def tpi_assignment_list(*, instansi: Instansi | int, cycle: Cycle) -> QuerySet[TPIAssignment]:
    """The year's assignments, by unit then tier."""
    instansi_id = instansi if isinstance(instansi, int) else instansi.pk
    return (
        TPIAssignment.objects.filter(instansi_id=instansi_id, cycle=cycle)
        .select_related("unit", "reviewer", "cycle")
        .order_by("unit__path", "level", "reviewer__name")
    )


def tpi_assignable_units(*, instansi: Instansi | int, cycle: Cycle) -> QuerySet[UnitKerja]:
    """Units with a penilaian in the year: the ones a TPI member can be assigned to."""
    instansi_id = instansi if isinstance(instansi, int) else instansi.pk
    has_penilaian = Penilaian.objects.filter(instansi_id=instansi_id, cycle=cycle, unit_id=OuterRef("pk"))
    return UnitKerja.objects.filter(instansi_id=instansi_id).filter(Exists(has_penilaian)).order_by("path")


def penilaian_reviewers(*, penilaian: Penilaian, level: int) -> list[User]:
    """The users assigned to review the penilaian's unit that year at ``level``."""
    return [
        assignment.reviewer
        for assignment in TPIAssignment.objects.filter(
            instansi_id=penilaian.instansi_id, cycle_id=penilaian.cycle_id, unit_id=penilaian.unit_id, level=level
        ).select_related("reviewer")
        if assignment.reviewer.is_active
    ]


def penilaian_unit_team(*, penilaian: Penilaian) -> list[User]:
    """Who fills the unit's LKE: active members with Cap.PENILAIAN_FILL over the unit (narrowed to
    the unit or one of its ancestors, or instansi-wide)."""
    ancestors = [int(part) for part in penilaian.unit.path.strip("/").split("/") if part]
    rows = membership_list_for_instansi(instansi=penilaian.instansi).filter(
        Q(unit__isnull=True) | Q(unit_id__in=ancestors or [penilaian.unit_id]),
        is_active=True,
        role__in=_roles_with(Cap.PENILAIAN_FILL),
    )
    return [row.user for row in rows if row.user.is_active]


def penilaian_managers(*, penilaian: Penilaian) -> list[User]:
    """The admin ZI of the instansi (Cap.PENILAIAN_MANAGE)."""
    rows = membership_list_for_instansi(instansi=penilaian.instansi).filter(
        is_active=True, role__in=_roles_with(Cap.PENILAIAN_MANAGE)
    )
    return [row.user for row in rows if row.user.is_active]


def tpi_tier_names(*, instansi_id: int) -> dict[int, str]:
    """Level → name of the configured tiers; empty when the instansi has not named any (it then
    reviews in one unnamed tier, see ``tpi_levels``)."""
    return dict(TPITier.objects.filter(instansi_id=instansi_id).order_by("level").values_list("level", "name"))


# -----------------------------------------------------------------------------
# The reviewer's queue
# -----------------------------------------------------------------------------


@dataclass
class QueueRow:
    """One penilaian a reviewer is assigned to, and whether it waits on them."""

    penilaian: Penilaian
    levels: list[int]
    waiting_recheck: int
    answered_current: int
    has_recommendation: bool

    @property
    def waits_on_me(self) -> bool:
        status = self.penilaian.status
        if status == PenilaianStatus.IN_REVIEW:
            return self.penilaian.current_level in self.levels
        return status == PenilaianStatus.CLOSED and not self.has_recommendation


def review_queue(*, actor: Membership, cycle: Cycle | None = None) -> list[QueueRow]:
    """Every penilaian the actor is assigned to review (in ``cycle``, or every year), with its
    status, the actor's tiers, fixed items waiting for a re-check and the current tier's progress.
    Two queries whatever the number of rows."""
    assignments = TPIAssignment.objects.filter(instansi_id=actor.instansi_id, reviewer_id=actor.user_id)  # type: ignore[misc]  # no instansi: no row
    if cycle is not None:
        assignments = assignments.filter(cycle=cycle)
    levels: dict[tuple[int, int], list[int]] = defaultdict(list)
    for cycle_id, unit_id, level in assignments.values_list("cycle_id", "unit_id", "level"):
        levels[(cycle_id, unit_id)].append(level)
    if not levels:
        return []
    mine = TPIAssignment.objects.filter(  # type: ignore[misc]  # no instansi: no row
        instansi_id=actor.instansi_id,
        reviewer_id=actor.user_id,
        cycle_id=OuterRef("cycle_id"),
        unit_id=OuterRef("unit_id"),
    )
    fixed = (
        ItemReturn.objects.filter(penilaian=OuterRef("pk"), status=ReturnStatus.FIXED)
        .order_by()
        .values("penilaian")
        .annotate(n=Count("pk"))
        .values("n")
    )
    answered = (
        Jawaban.objects.filter(
            penilaian=OuterRef("pk"), tier=Tier.TPI, level=OuterRef("current_level"), answer__isnull=False
        )
        .order_by()
        .values("penilaian")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        Penilaian.objects.filter(instansi_id=actor.instansi_id)  # type: ignore[misc]  # no instansi: no row
        .filter(Exists(mine))
        .select_related("unit", "cycle")
        .annotate(
            waiting_recheck=Coalesce(Subquery(fixed, output_field=IntegerField()), 0),
            answered_current=Coalesce(Subquery(answered, output_field=IntegerField()), 0),
            has_recommendation=Exists(Recommendation.objects.filter(penilaian=OuterRef("pk"))),
        )
        .order_by("-cycle__tahun", "unit__path")
    )
    if cycle is not None:
        rows = rows.filter(cycle=cycle)
    return [
        QueueRow(
            penilaian=row,
            levels=sorted(levels[(row.cycle_id, row.unit_id)]),
            waiting_recheck=row.waiting_recheck,
            answered_current=row.answered_current,
            has_recommendation=row.has_recommendation,
        )
        for row in rows
    ]


# -----------------------------------------------------------------------------
# Review pages and the LHE
# -----------------------------------------------------------------------------


def soal_list(*, penilaian: Penilaian, soal_ids: Collection[int] | None = None) -> list[Soal]:
    """The template's soal in worksheet order (optionally only some PortalRB ids), with their node."""
    rows = template_soal(penilaian.template_id).values()
    if soal_ids is None:
        return list(rows)
    wanted = set(soal_ids)
    return [soal for soal in rows if soal.portalrb_soal_id in wanted]


def soal_get(*, penilaian: Penilaian, soal_id: int) -> Soal | None:
    """One soal of the penilaian's template by PortalRB id, with its node (None if not in it)."""
    return (
        Soal.objects.filter(template_id=penilaian.template_id, portalrb_soal_id=soal_id).select_related("node").first()
    )


def jawaban_get(*, penilaian: Penilaian, soal: Soal, tier: str, level: int) -> Jawaban | None:
    """One tier's answer to one soal, as saved now."""
    return Jawaban.objects.filter(
        instansi_id=penilaian.instansi_id, penilaian=penilaian, soal=soal, tier=tier, level=level
    ).first()


def item_returns_by_soal(*, penilaian: Penilaian, with_history: bool = False) -> dict[int, list[ItemReturn]]:
    """Every returned item of the penilaian per PortalRB soal id, newest first (one query, or two
    with the history of each)."""
    rows = (
        ItemReturn.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian)
        .select_related("soal", "returned_by")
        .order_by("-created_at", "-id")
    )
    if with_history:
        rows = rows.prefetch_related(
            Prefetch("events", queryset=ItemReturnEvent.objects.select_related("actor").order_by("created_at", "id"))
        )
    result: dict[int, list[ItemReturn]] = defaultdict(list)
    for row in rows:
        result[row.soal.portalrb_soal_id].append(row)
    return result


@dataclass
class ReturnCounts:
    open: int = 0
    fixed: int = 0
    accepted: int = 0
    by_level: dict[int, int] = field(default_factory=dict)


def return_counts(*, penilaian: Penilaian) -> ReturnCounts:
    counts = ReturnCounts()
    rows = (
        ItemReturn.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian)
        .values("status", "level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        setattr(counts, row["status"], getattr(counts, row["status"]) + row["n"])
        counts.by_level[row["level"]] = counts.by_level.get(row["level"], 0) + row["n"]
    return counts


# -----------------------------------------------------------------------------
# The unit's answers, evidence, returns and area assignments
# -----------------------------------------------------------------------------


# The unit's state as query shapes (apps/tenancy/shapes.py): the worksheet and every autosave read
# them, and the ORM took longer to build each than the database to run it (issue 22). Each is the
# ORM query it was; tests/penilaian/test_unit_shapes.py holds them to the plain querysets.
def _unit_evidence_links(*, instansi_id: int, penilaian_id: int) -> QuerySet[Any]:
    return (
        Jawaban.evidence.through.objects.filter(
            jawaban__instansi_id=instansi_id,
            jawaban__penilaian_id=penilaian_id,
            jawaban__tier=Tier.UNIT,
            jawaban__level=0,
        )
        .annotate(soal_pk=F("jawaban__soal_id"))
        .select_related("buktidukung")
        .order_by("buktidukung__created_at", "pk")
    )


def _unit_rows_query(*, instansi_id: int, penilaian_id: int) -> QuerySet[Any]:
    unit_tier = Jawaban.objects.filter(instansi_id=instansi_id, penilaian_id=penilaian_id, tier=Tier.UNIT, level=0)
    return _jawaban_rows(unit_tier.order_by(), "updated_by__name", "updated_by__email")


def _unit_returns_query(*, instansi_id: int, penilaian_id: int) -> QuerySet[ItemReturn]:
    return (
        ItemReturn.objects.filter(instansi_id=instansi_id, penilaian_id=penilaian_id)
        .exclude(status=ReturnStatus.ACCEPTED)
        .order_by("created_at", "id")
    )


def _area_assignments_query(*, instansi_id: int, penilaian_id: int) -> QuerySet[AreaAssignment]:
    return (
        AreaAssignment.objects.filter(instansi_id=instansi_id, penilaian_id=penilaian_id)
        .select_related("assignee")
        .order_by("area", "assignee__name", "assignee__email")
    )


_UNIT_ROWS = QueryShape(_unit_rows_query)
_UNIT_ROWS_OF_SOAL = QueryShape(
    lambda instansi_id, penilaian_id, soal_id: _unit_rows_query(
        instansi_id=instansi_id, penilaian_id=penilaian_id
    ).filter(soal_id=soal_id)
)
_UNIT_ANSWERS = QueryShape(
    lambda instansi_id, penilaian_id: Jawaban.objects.filter(
        instansi_id=instansi_id, penilaian_id=penilaian_id, tier=Tier.UNIT, level=0
    ).values_list("soal_id", "answer")
)
_UNIT_EVIDENCE = QueryShape(_unit_evidence_links)
_UNIT_EVIDENCE_OF_SOAL = QueryShape(
    lambda instansi_id, penilaian_id, soal_id: _unit_evidence_links(
        instansi_id=instansi_id, penilaian_id=penilaian_id
    ).filter(jawaban__soal_id=soal_id)
)
_UNIT_RETURNS = QueryShape(_unit_returns_query)
_AREA_ASSIGNMENTS = QueryShape(_area_assignments_query)


@dataclass
class UnitState:
    """What the unit has saved, and what the TPI returned: four queries. ``answers`` holds every
    answer (the scores and progress need them all); ``rows`` the whole rows of the soal asked for."""

    rows: dict[int, Jawaban]
    evidence: dict[int, list[BuktiDukung]]
    returns: dict[int, ItemReturn]
    assignments: list[AreaAssignment]
    answers: dict[int, str | None] = field(default_factory=dict)

    def assignees(self, area: int) -> set[int]:
        return {a.assignee_id for a in self.assignments if a.area == area}

    def answered(self, soal_ids: Iterable[int]) -> int:
        return sum(1 for soal_id in soal_ids if self.answers.get(soal_id) is not None)


def unit_rows(*, penilaian: Penilaian, soal_ids: Iterable[int] | None = None) -> dict[int, Jawaban]:
    """The unit's rows by soal number. Who saved each comes along as ``updater_name`` and
    ``updater_email`` (no user object per row), and each row's soal is the template's cached one."""
    rows = Jawaban.objects.filter(
        instansi_id=penilaian.instansi_id, penilaian=penilaian, tier=Tier.UNIT, level=0
    ).annotate(
        soal_number=F("soal__portalrb_soal_id"),
        updater_name=F("updated_by__name"),
        updater_email=F("updated_by__email"),
    )
    if soal_ids is not None:
        rows = rows.filter(soal__portalrb_soal_id__in=list(soal_ids))
    soal = template_soal(penilaian.template_id)
    result: dict[int, Jawaban] = {}
    for row in rows:
        Jawaban.soal.field.set_cached_value(row, soal[row.soal_number])
        result[row.soal_number] = row
    return result


def unit_answers_and_rows(
    *, penilaian: Penilaian, soal_ids: Collection[int] | None = None
) -> tuple[dict[int, str | None], dict[int, Jawaban]]:
    """Every answer of the unit by soal number, and the whole rows of ``soal_ids`` (all when None),
    in one query: the rows come as plain tuples and only those asked for become ``Jawaban`` objects
    (a worksheet section shows a dozen of the LKE's 127), with ``updater_name``/``updater_email``
    and the template's cached soal as ``unit_rows`` gives them."""
    fields = _JAWABAN_FIELDS
    answer_at = fields.index("answer")
    ids = {"instansi_id": penilaian.instansi_id, "penilaian_id": penilaian.pk}
    db = router.db_for_read(Jawaban)
    wanted = set(soal_ids) if soal_ids is not None else None
    soal = template_soal(penilaian.template_id)
    number_of = template_soal_numbers(penilaian.template_id)  # the number without a join to the soal
    soal_at = fields.index("soal_id")
    answers: dict[int, str | None] = {}
    if wanted is not None and len(wanted) == 1 and (one := next(iter(wanted))) in soal:
        # One item (an autosave): every answer as (soal, answer) pairs, and that item's whole row,
        # read apart — a third of the data of every whole row, for one round trip more.
        rows = _UNIT_ROWS_OF_SOAL.run(**ids, soal_id=soal[one].pk)
        answers.update(unit_answers(penilaian=penilaian))
    else:
        rows = _UNIT_ROWS.run(**ids)
    whole: dict[int, Jawaban] = {}
    count = len(fields)
    for values in rows:
        number = number_of[values[soal_at]]
        answers[number] = values[answer_at]
        if wanted is not None and number not in wanted:
            continue
        row = _jawaban_from(db, values)
        row.soal_number = number  # type: ignore[attr-defined]
        row.updater_name, row.updater_email = values[count:]  # type: ignore[attr-defined]
        Jawaban.soal.field.set_cached_value(row, soal[number])
        whole[number] = row
    return answers, whole


def unit_answers(*, penilaian: Penilaian) -> dict[int, str | None]:
    """Every answer of the unit by soal number (one compiled query, no whole rows)."""
    number_of = template_soal_numbers(penilaian.template_id)
    rows = _UNIT_ANSWERS.run(instansi_id=penilaian.instansi_id, penilaian_id=penilaian.pk)
    return {number_of[soal_pk]: answer for soal_pk, answer in rows}


def _as_read(penilaian: Penilaian, number: int, row: Jawaban) -> Jawaban:
    """A row just written, dressed as ``unit_answers_and_rows`` gives a row it read."""
    row.soal_number = number  # type: ignore[attr-defined]
    updater = row.updated_by
    row.updater_name = updater.name if updater is not None else None  # type: ignore[attr-defined]
    row.updater_email = updater.email if updater is not None else None  # type: ignore[attr-defined]
    Jawaban.soal.field.set_cached_value(row, template_soal(penilaian.template_id)[number])
    return row


def unit_evidence(*, penilaian: Penilaian, soal_ids: Iterable[int] | None = None) -> dict[int, list[BuktiDukung]]:
    """The unit's evidence files per soal, oldest first, in one query over the M2M table."""
    # Soal numbers from the template's per-process cache rather than one more join.
    soal = template_soal(penilaian.template_id)
    number_of = template_soal_numbers(penilaian.template_id)
    wanted = None if soal_ids is None else [soal[n].pk for n in soal_ids if n in soal]
    ids = {"instansi_id": penilaian.instansi_id, "penilaian_id": penilaian.pk}
    if wanted is None:
        links = _UNIT_EVIDENCE.run(**ids)
    elif len(wanted) == 1:  # one item (a save, an upload): the compiled shape
        links = _UNIT_EVIDENCE_OF_SOAL.run(**ids, soal_id=wanted[0])
    else:
        links = list(_unit_evidence_links(**ids).filter(jawaban__soal_id__in=wanted))
    result: dict[int, list[BuktiDukung]] = defaultdict(list)
    for link in links:
        result[number_of[link.soal_pk]].append(link.buktidukung)
    return result


def unit_returns(*, penilaian: Penilaian) -> dict[int, ItemReturn]:
    """Returns not yet accepted (to fix, or waiting for re-check), by soal number."""
    # The soal (with its node) come from the template's per-process cache, not a join: the ORM took
    # longer to build the joined query than the database to run it, for a list that is mostly empty.
    by_pk = {soal.pk: soal for soal in template_soal(penilaian.template_id).values()}
    rows = _UNIT_RETURNS.run(instansi_id=penilaian.instansi_id, penilaian_id=penilaian.pk)
    for row in rows:
        if row.soal_id in by_pk:
            ItemReturn.soal.field.set_cached_value(row, by_pk[row.soal_id])
    rows.sort(key=lambda row: row.soal.order)  # stable: of two rows of one soal, the newer one counts
    return {row.soal.portalrb_soal_id: row for row in rows}


def area_assignments(*, penilaian: Penilaian) -> list[AreaAssignment]:
    return _AREA_ASSIGNMENTS.run(instansi_id=penilaian.instansi_id, penilaian_id=penilaian.pk)


def unit_state(
    *, penilaian: Penilaian, soal_ids: Iterable[int] | None = None, saved: Jawaban | None = None
) -> UnitState:
    """``saved``: the unit's row of the one soal asked for, as the write that just committed it
    left it (an autosave): its answer and row are taken from it instead of being read again."""
    ids = list(soal_ids) if soal_ids is not None else None
    if saved is not None and ids is not None and len(ids) == 1:
        answers = unit_answers(penilaian=penilaian)
        answers[ids[0]] = saved.answer
        rows = {ids[0]: _as_read(penilaian, ids[0], saved)}
    else:
        answers, rows = unit_answers_and_rows(penilaian=penilaian, soal_ids=ids)
    return UnitState(
        rows=rows,
        evidence=unit_evidence(penilaian=penilaian, soal_ids=ids),
        returns=unit_returns(penilaian=penilaian),
        assignments=area_assignments(penilaian=penilaian),
        answers=answers,
    )


def area_assignable_members(*, penilaian: Penilaian) -> list[Membership]:
    """Members who could fill this penilaian: active, with Cap.PENILAIAN_FILL, and either not
    narrowed to a unit or narrowed to the penilaian's unit or one above it."""
    roles = sorted(role for role, caps in ROLE_CAPABILITIES.items() if Cap.PENILAIAN_FILL in caps)
    members = (
        Membership.objects.filter(instansi_id=penilaian.instansi_id, is_active=True, role__in=roles)
        .select_related("user", "unit")
        .order_by("user__name", "user__email")
    )
    return [m for m in members if not m.is_unit_narrowed or penilaian.unit.path.startswith(m.unit.path)]  # type: ignore[union-attr]  # narrowed: has a unit


def unit_answers_only(*, penilaian: Penilaian) -> dict[int, str | None]:
    return dict(
        Jawaban.objects.filter(
            instansi_id=penilaian.instansi_id, penilaian=penilaian, tier=Tier.UNIT, level=0
        ).values_list("soal__portalrb_soal_id", "answer")
    )


def tier_answers(*, penilaian: Penilaian) -> dict[TierKey, dict[int, str | None]]:
    """Every tier's answers in one query (the unit's always present, possibly empty)."""
    answers: dict[TierKey, dict[int, str | None]] = {UNIT_TIER: {}}
    rows = Jawaban.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian).values_list(
        "tier", "level", "soal__portalrb_soal_id", "answer"
    )
    for tier, level, soal_id, answer in rows:
        answers.setdefault((tier, level), {})[soal_id] = answer
    return answers


def cycle_list(*, actor: Membership) -> list[Cycle]:
    return list(Cycle.objects.filter(instansi_id=actor.instansi_id).order_by("-tahun"))  # type: ignore[misc]  # no instansi: no row


def bukti_choices(*, actor: Membership, penilaian: Penilaian, limit: int = 200) -> tuple[Any, list[BuktiDukung]]:
    """The files of the evidence store that may go on this penilaian's answers: those held by the
    unit's own objects of kinds the actor may see, and the actor's own uploads (issue 18: never
    another unit's files). The whole queryset (to validate a pick) and the latest files (to offer)."""
    queryset = BuktiDukung.objects.filter(  # type: ignore[misc]  # no instansi: no row
        bukti_of_unit_q(actor=actor, unit_path=penilaian.unit.path), instansi_id=actor.instansi_id
    )
    return queryset, list(queryset.select_related("uploaded_by").order_by("-created_at")[:limit])
