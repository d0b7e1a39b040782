"""National reads for KemenPANRB and TPN: proposals across every instansi (DESIGN §4: the explicit,
greppable ``Model.unscoped`` national selectors), and one instansi's own TPN results.

Reusable by the national web pages (``apps.nasional``) as well as the API ``/api/v1/``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Case, CharField, Count, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat

from apps.lke.models import Soal
from apps.pengusulan.models import Pengusulan, PengusulanSnapshot, PredikatUnit
from apps.penilaian.models import Tier
from apps.penilaian.selectors import jawaban_by_tier
from apps.tenancy.scope import scope
from apps.tpn.models import ApiToken, Outcome, Stage, TPNResult
from apps.unit_kerja.models import UnitKerja


class NationalStage:
    """The proposal's place in the TPN process, derived from its latest ``TPNResult``."""

    PROPOSED = "proposed"
    ADMINISTRASI_LULUS = "administrasi_lulus"
    ADMINISTRASI_LULUS_CATATAN = "administrasi_lulus_catatan"
    ADMINISTRASI_TIDAK_LULUS = "administrasi_tidak_lulus"
    SANGGAHAN_DITERIMA = "sanggahan_diterima"
    SANGGAHAN_DITOLAK = "sanggahan_ditolak"
    DESK = "desk"
    LAPANGAN = "lapangan"
    DITETAPKAN = "ditetapkan"
    TIDAK_DITETAPKAN = "tidak_ditetapkan"
    DICABUT = "dicabut"

    ALL: tuple[str, ...] = (
        PROPOSED,
        ADMINISTRASI_LULUS,
        ADMINISTRASI_LULUS_CATATAN,
        ADMINISTRASI_TIDAK_LULUS,
        SANGGAHAN_DITERIMA,
        SANGGAHAN_DITOLAK,
        DESK,
        LAPANGAN,
        DITETAPKAN,
        TIDAK_DITETAPKAN,
        DICABUT,
    )


# (stage, outcome) of the latest result → national stage. Desk/lapangan have one outcome each.
_STAGE_OF: dict[tuple[str, str], str] = {
    (Stage.ADMINISTRASI, Outcome.LULUS): NationalStage.ADMINISTRASI_LULUS,
    (Stage.ADMINISTRASI, Outcome.LULUS_CATATAN): NationalStage.ADMINISTRASI_LULUS_CATATAN,
    (Stage.ADMINISTRASI, Outcome.TIDAK_LULUS): NationalStage.ADMINISTRASI_TIDAK_LULUS,
    (Stage.SANGGAHAN, Outcome.DITERIMA): NationalStage.SANGGAHAN_DITERIMA,
    (Stage.SANGGAHAN, Outcome.DITOLAK): NationalStage.SANGGAHAN_DITOLAK,
    (Stage.DESK, Outcome.SELESAI): NationalStage.DESK,
    (Stage.LAPANGAN, Outcome.SELESAI): NationalStage.LAPANGAN,
    (Stage.PENETAPAN, Outcome.DITETAPKAN_WBK): NationalStage.DITETAPKAN,
    (Stage.PENETAPAN, Outcome.DITETAPKAN_WBBM): NationalStage.DITETAPKAN,
    (Stage.PENETAPAN, Outcome.TIDAK_DITETAPKAN): NationalStage.TIDAK_DITETAPKAN,
    (Stage.PENCABUTAN, Outcome.DICABUT): NationalStage.DICABUT,
}


def stage_of(result: TPNResult | None) -> str:
    """The national stage after ``result`` (``proposed`` when there is none)."""
    if result is None:
        return NationalStage.PROPOSED
    return _STAGE_OF[(result.stage, result.outcome)]


def _with_stage(rows: QuerySet[Pengusulan]) -> QuerySet[Pengusulan]:
    """Annotate ``tpn_stage`` (a ``NationalStage`` value) computed in SQL from the latest result: ONE
    subquery per row, mapping the latest result's (stage, outcome) inside it — a CASE over two
    outer subqueries repeated them in every WHEN (22 subplans per row; issue 22)."""
    whens = [
        When(stage=stage, outcome=outcome, then=Value(national)) for (stage, outcome), national in _STAGE_OF.items()
    ]
    latest = (
        TPNResult.unscoped.filter(pengusulan_id=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .annotate(national=Case(*whens, default=Value(NationalStage.PROPOSED), output_field=CharField()))
        .values("national")[:1]
    )
    return rows.annotate(tpn_stage=Coalesce(Subquery(latest), Value(NationalStage.PROPOSED), output_field=CharField()))


def proposal_list_national(
    *,
    tahun: int | None = None,
    predikat: str | None = None,
    status: str | None = None,
    stage: str | None = None,
    instansi_kind: str | None = None,
    province: str | None = None,
) -> QuerySet[Pengusulan]:
    """Every pengusulan ever proposed to KemenPANRB, across all instansi (national read: ``unscoped``).

    Drafts never leave the instansi, so only rows with ``proposed_at`` appear (status ``proposed``,
    or ``withdrawn`` after proposing). Filters, each optional: ``tahun`` (cycle year), ``predikat``
    (``WBK``/``WBBM``), ``status`` (``PengusulanStatus``), ``stage`` (a ``NationalStage`` value),
    ``instansi_kind`` (``InstansiKind``), ``province`` (two-digit BPS code of the instansi).

    Every row carries ``tpn_stage`` (annotation, a ``NationalStage`` value) and has instansi, unit and
    cycle loaded. Ordered newest proposal first (``-proposed_at, -id``).
    """
    rows = Pengusulan.unscoped.filter(proposed_at__isnull=False).select_related("instansi", "unit", "cycle")
    if tahun is not None:
        rows = rows.filter(cycle__tahun=tahun)
    if predikat:
        rows = rows.filter(predikat=predikat)
    if status:
        rows = rows.filter(status=status)
    if instansi_kind:
        rows = rows.filter(instansi__kind=instansi_kind)
    if province:
        rows = rows.filter(instansi__province=province)
    rows = _with_stage(rows)
    if stage:
        rows = rows.filter(tpn_stage=stage)  # type: ignore[misc]  # annotated by _with_stage
    return rows.order_by("-proposed_at", "-id")


def proposal_get_national(*, public_id: Any) -> Pengusulan | None:
    """One proposed pengusulan by ``public_id`` across all instansi (``tpn_stage`` annotated), or None."""
    return proposal_list_national().filter(public_id=public_id).first()


def proposal_stage(pengusulan: Pengusulan) -> str:
    """The ``NationalStage`` of one pengusulan, from its latest ``TPNResult`` (``proposed`` if none).
    Uses the ``tpn_stage`` annotation when the row came from :func:`proposal_list_national`."""
    annotated = getattr(pengusulan, "tpn_stage", None)
    if annotated:
        return str(annotated)
    return stage_of(tpn_result_latest(pengusulan=pengusulan))


def _latest_result_key() -> Subquery:
    """The latest result's ``"stage outcome"`` (NULL without one): ONE subquery per row whose two
    columns the caller maps with ``_STAGE_OF`` — cheaper to build than ``_with_stage``'s CASE of
    eleven WHENs (most of the national dashboard's Python time; issue 22)."""
    return Subquery(
        TPNResult.unscoped.filter(pengusulan_id=OuterRef("pk"))  # national read
        .order_by("-created_at", "-id")
        .annotate(key=Concat("stage", Value(" "), "outcome", output_field=CharField()))
        .values("key")[:1]
    )


def national_counts(*, tahun: int) -> dict[str, Any]:
    """Counts of the proposals of one year: ``{"total": n, "by_stage": {stage: n} (every
    ``NationalStage``, zeros included), "by_province": {code: n}, "by_province_stage": {code:
    {stage: n}}, "by_kind": {instansi kind: n}, "by_kategori": {(predikat, afirmasi): n}}``.
    Province ``""`` is instansi with no province (central government).

    ONE grouped query (issue 22): the proposals are read once, grouped by every dimension at once
    (at most provinces × kinds × kategori × stages rows), and each count is summed here. Four
    grouped queries each read the year's proposals, their instansi and (for the stage) their
    latest result again, with the row-level-security policy evaluated on every row each time."""
    rows = (
        Pengusulan.unscoped.filter(proposed_at__isnull=False, cycle__tahun=tahun)  # national read
        .annotate(latest=_latest_result_key())
        .order_by()
        .values_list("instansi__province", "instansi__kind", "predikat", "afirmasi", "latest")
        .annotate(n=Count("pk"))
    )
    by_stage: Counter[str] = Counter()
    by_province: Counter[str] = Counter()
    by_province_stage: dict[str, Counter[str]] = {}
    by_kind: Counter[str] = Counter()
    by_kategori: Counter[tuple[str, bool]] = Counter()
    for province, kind, predikat, afirmasi, latest, n in rows:
        # As _with_stage's CASE: no result, or a pair it does not know, is "proposed".
        stage = _STAGE_OF.get(tuple(latest.split(" ", 1)), NationalStage.PROPOSED) if latest else NationalStage.PROPOSED
        by_stage[stage] += n
        by_province[province] += n
        by_province_stage.setdefault(province, Counter())[stage] += n
        by_kind[kind] += n
        by_kategori[(predikat, afirmasi)] += n
    return {
        "total": sum(by_stage.values()),
        "by_stage": {stage: by_stage.get(stage, 0) for stage in NationalStage.ALL},
        "by_province": dict(sorted(by_province.items())),
        "by_province_stage": {p: dict(c) for p, c in sorted(by_province_stage.items())},
        "by_kind": dict(sorted(by_kind.items())),
        "by_kategori": dict(sorted(by_kategori.items())),
    }


def tpn_results_for(*, pengusulan: Pengusulan) -> QuerySet[TPNResult]:
    """The TPN results of one pengusulan, oldest first. Goes through ``unscoped`` filtered on the
    pengusulan's own instansi, so it works in the instansi's scope and in national code alike."""
    return (
        TPNResult.unscoped.filter(instansi_id=pengusulan.instansi_id, pengusulan=pengusulan)
        .select_related("recorded_by")
        .order_by("created_at", "id")
    )


def tpn_result_latest(*, pengusulan: Pengusulan) -> TPNResult | None:
    return tpn_results_for(pengusulan=pengusulan).order_by("-created_at", "-id").first()


def snapshot_current_national(*, pengusulan: Pengusulan) -> PengusulanSnapshot | None:
    """The current frozen snapshot of a pengusulan (national read)."""
    return PengusulanSnapshot.unscoped.filter(
        instansi_id=pengusulan.instansi_id, pengusulan=pengusulan, is_current=True
    ).first()


def unit_get_national(*, public_id: Any) -> UnitKerja | None:
    """A unit kerja by ``public_id`` that has been proposed at least once (national read), else None."""
    proposed_units = Pengusulan.unscoped.filter(proposed_at__isnull=False).values("unit_id")
    return UnitKerja.unscoped.select_related("instansi").filter(public_id=public_id, pk__in=proposed_units).first()


def unit_proposals_national(*, unit: UnitKerja) -> QuerySet[Pengusulan]:
    return proposal_list_national().filter(instansi_id=unit.instansi_id, unit=unit)


def unit_predikat_national(*, unit: UnitKerja) -> QuerySet[PredikatUnit]:
    return PredikatUnit.unscoped.filter(instansi_id=unit.instansi_id, unit=unit).order_by("-decree_date", "-id")


__all__ = [
    "NationalStage",
    "national_counts",
    "proposal_get_national",
    "proposal_list_national",
    "proposal_stage",
    "snapshot_current_national",
    "stage_of",
    "tpn_result_latest",
    "tpn_results_for",
    "unit_get_national",
    "unit_predikat_national",
    "unit_proposals_national",
]


def api_tokens_for(*, user: Any) -> QuerySet[ApiToken]:
    """The user's own personal API tokens, newest first (active and revoked)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


class DeskRow:
    """One soal of the TPN desk page: the final TPI tier's answer beside TPN's own (if any)."""

    __slots__ = ("answer", "answer_type", "note", "options", "soal_id", "text", "tpi_answer")

    def __init__(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self, name, value)


def tpn_desk_rows(*, pengusulan: Pengusulan) -> list[DeskRow]:
    """Every soal of the proposal's LKE in order, with the last TPI tier's answer and TPN's answer
    and note. National read: the proposal's instansi scope is opened for it (DESIGN §4)."""
    with scope(pengusulan.instansi_id):
        by_tier = jawaban_by_tier(penilaian=pengusulan.penilaian)
        soal = list(Soal.objects.filter(template_id=pengusulan.penilaian.template_id).order_by("order"))
    tpi_levels = sorted(level for tier, level in by_tier if tier == Tier.TPI)
    final_tpi = by_tier.get((Tier.TPI, tpi_levels[-1]), {}) if tpi_levels else {}
    tpn = by_tier.get((Tier.TPN, 0), {})
    rows = []
    for item in soal:
        mine = tpn.get(item.portalrb_soal_id)
        theirs = final_tpi.get(item.portalrb_soal_id)
        rows.append(
            DeskRow(
                soal_id=item.portalrb_soal_id,
                text=item.text,
                options=[o["key"] for o in item.options or []],
                answer_type=item.answer_type,
                tpi_answer=theirs.answer if theirs is not None else None,
                answer=mine.answer if mine is not None else "",
                note=mine.note if mine is not None else "",
            )
        )
    return rows
