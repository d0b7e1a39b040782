"""National reads for KemenPANRB and TPN: proposals across every instansi (DESIGN §4).

**The national exception.** Tenant rows are normally read through the fail-closed ``objects``
manager inside one instansi's scope. National roles have no instansi, so every read here goes
through ``Model.unscoped`` on purpose — directly, or through ``apps.tpn.selectors`` (the shared
national selectors, which also derive each proposal's TPN stage from its latest ``TPNResult``).
grep ``unscoped`` to audit them. Nothing here writes. Callers (the ``apps.nasional`` views, behind
``national_view``) have checked that the actor is a national member with ``Cap.NATIONAL_VIEW``.

What is visible nationally: a pengusulan that has been **proposed** (``proposed_at`` set), including
one withdrawn after it was proposed. Drafts and approved-but-not-submitted proposals remain the
instansi's own business. Scores always come from the frozen snapshot (``data["scores"]``), never
from the live LKE.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KeyTransform
from django.utils.translation import gettext_lazy as _

from apps.pengusulan.models import Pengusulan, PengusulanSnapshot, PredikatUnit
from apps.penilaian.models import Recommendation
from apps.tenancy.models import InstansiKind
from apps.tenancy.provinces import PROVINCES
from apps.tpn import selectors as tpn
from apps.tpn.models import TPNResult
from apps.tpn.selectors import NationalStage
from apps.unit_kerja.models import UnitKerja

# Proposed at least once: what KemenPANRB has received (drafts stay with the instansi).
NATIONAL_VISIBLE = Q(proposed_at__isnull=False)

# K/L (kementerian, lembaga) have no province: they are grouped and filtered as "Pusat".
PUSAT = "pusat"
PUSAT_LABEL = _("Pusat (K/L)")
PROVINCE_CHOICES: list[tuple[str, Any]] = [(PUSAT, PUSAT_LABEL), *PROVINCES]
_PROVINCE_NAMES: dict[str, Any] = dict(PROVINCE_CHOICES)

# The national stages (apps.tpn.selectors.NationalStage) with their labels, in process order.
STAGE_LABELS: dict[str, Any] = {
    NationalStage.PROPOSED: _("Proposed, awaiting TPN"),
    NationalStage.ADMINISTRASI_LULUS: _("Administrative selection: passed"),
    NationalStage.ADMINISTRASI_LULUS_CATATAN: _("Administrative selection: passed with notes"),
    NationalStage.ADMINISTRASI_TIDAK_LULUS: _("Administrative selection: did not pass"),
    NationalStage.SANGGAHAN_DITERIMA: _("Objection accepted"),
    NationalStage.SANGGAHAN_DITOLAK: _("Objection rejected"),
    NationalStage.DESK: _("Desk evaluation done"),
    NationalStage.LAPANGAN: _("Field evaluation done"),
    NationalStage.DITETAPKAN: _("Designated"),
    NationalStage.TIDAK_DITETAPKAN: _("Not designated"),
    NationalStage.DICABUT: _("Revoked"),
}
STAGE_CHOICES: list[tuple[str, Any]] = [(key, STAGE_LABELS.get(key, key)) for key in NationalStage.ALL]

# The six areas of change (PermenPANRB 90/2021), keyed as in the snapshot's ``areas``.
AREA_NAMES: dict[str, Any] = {
    "1": _("Manajemen Perubahan"),
    "2": _("Penataan Tatalaksana"),
    "3": _("Penataan Sistem Manajemen SDM Aparatur"),
    "4": _("Penguatan Akuntabilitas"),
    "5": _("Penguatan Pengawasan"),
    "6": _("Peningkatan Kualitas Pelayanan Publik"),
}


def province_label(code: str) -> Any:
    """A province code (blank for K/L) → its name, "Pusat" for blank."""
    return _PROVINCE_NAMES.get(code or PUSAT, code)


def stage_label(stage: str) -> Any:
    return STAGE_LABELS.get(stage, stage)


def _current_scores() -> Subquery:
    """Only ``data -> 'scores'`` of the current snapshot: the list never loads the answers."""
    return Subquery(
        PengusulanSnapshot.unscoped.filter(pengusulan=OuterRef("pk"), is_current=True)  # national read
        .annotate(scores=KeyTransform("scores", "data"))
        .values("scores")[:1]
    )


def proposal_queryset(
    *,
    tahun: int | None = None,
    predikat: str | None = None,
    stage: str | None = None,
    instansi_kind: str | None = None,
    province: str | None = None,
) -> QuerySet[Pengusulan]:
    """Nationally visible proposals across every instansi (``apps.tpn.selectors.proposal_list_national``,
    which annotates ``tpn_stage``), filtered, with instansi, unit and year joined and
    ``snapshot_scores`` (the current snapshot's ``scores``) annotated — one query for any number."""
    rows = tpn.proposal_list_national(
        tahun=tahun,
        predikat=predikat or None,
        stage=stage or None,
        instansi_kind=instansi_kind or None,
        province=None if province == PUSAT else province or None,
    )
    if province == PUSAT:
        rows = rows.filter(instansi__province="")
    return rows.annotate(snapshot_scores=_current_scores()).order_by("instansi__name", "unit__name", "pk")


def proposal_stage(pengusulan: Pengusulan) -> str:
    """The national stage of a proposal (from its latest TPN result, ``proposed`` without one)."""
    return tpn.proposal_stage(pengusulan)


def years_with_proposals() -> list[int]:
    """Every year with a nationally visible proposal, latest first."""
    return list(
        Pengusulan.unscoped.filter(NATIONAL_VISIBLE)  # national read
        .order_by("-cycle__tahun")
        .values_list("cycle__tahun", flat=True)
        .distinct()
    )


def latest_tahun() -> int | None:
    """The latest year with a nationally visible proposal (the pages' default)."""
    value = Pengusulan.unscoped.filter(NATIONAL_VISIBLE).aggregate(latest=Max("cycle__tahun"))["latest"]  # national
    return int(value) if value is not None else None


# -----------------------------------------------------------------------------
# Rows and counts
# -----------------------------------------------------------------------------


@dataclass
class ProposalRow:
    """One line of the national list: the proposal and its two headline totals."""

    pengusulan: Pengusulan
    stage: str
    stage_label: Any
    unit_total: str | None
    tpi_tier: str | None
    tpi_total: str | None


def _last_tpi(scores: dict[str, Any]) -> str | None:
    tpi = [name for name in scores if name.startswith("tpi")]
    return max(tpi, key=lambda name: int(name[3:] or 0)) if tpi else None


def proposal_rows(proposals: list[Pengusulan]) -> list[ProposalRow]:
    """Rows for proposals from :func:`proposal_queryset` (no further queries)."""
    rows = []
    for p in proposals:
        scores: dict[str, Any] = getattr(p, "snapshot_scores", None) or {}
        tpi = _last_tpi(scores)
        stage = proposal_stage(p)
        rows.append(
            ProposalRow(
                pengusulan=p,
                stage=stage,
                stage_label=stage_label(stage),
                unit_total=scores.get("unit", {}).get("total"),
                tpi_tier=tpi,
                tpi_total=scores[tpi].get("total") if tpi else None,
            )
        )
    return rows


@dataclass
class CountRow:
    key: str
    label: Any
    count: int


@dataclass
class NationalCounts:
    """The year's counts of visible proposals: in total, per national stage, province ("Pusat" for
    K/L), instansi kind and kategori. One query, whatever the number of proposals."""

    tahun: int | None
    total: int = 0
    by_stage: list[CountRow] = field(default_factory=list)
    by_province: list[CountRow] = field(default_factory=list)
    by_kind: list[CountRow] = field(default_factory=list)
    by_kategori: list[CountRow] = field(default_factory=list)


def national_counts(*, tahun: int | None) -> NationalCounts:
    """Every count from ``apps.tpn.selectors.national_counts``: one grouped query (issue 22)."""
    counts = NationalCounts(tahun=tahun)
    if tahun is None:
        return counts
    shared = tpn.national_counts(tahun=tahun)
    counts.total = shared["total"]
    counts.by_stage = [CountRow(key, stage_label(key), n) for key, n in shared["by_stage"].items() if n]
    order = {code: i for i, (code, _label) in enumerate(PROVINCE_CHOICES)}
    provinces = sorted(((code or PUSAT, n) for code, n in shared["by_province"].items()), key=lambda kv: order[kv[0]])
    counts.by_province = [CountRow(code, province_label(code), n) for code, n in provinces]
    kind_labels = dict(InstansiKind.choices)
    counts.by_kind = [CountRow(kind, kind_labels.get(kind, kind), n) for kind, n in shared["by_kind"].items()]
    for (predikat, afirmasi), n in shared["by_kategori"].items():
        kategori = f"{predikat}-AFIRMASI" if afirmasi else predikat
        counts.by_kategori.append(CountRow(kategori, kategori, n))
    return counts


# -----------------------------------------------------------------------------
# One proposal, one unit
# -----------------------------------------------------------------------------


def pengusulan_national(*, public_id: Any) -> Pengusulan | None:
    """A nationally visible proposal by its public id, else None (drafts are not found)."""
    return tpn.proposal_get_national(public_id=public_id)


def snapshot_current_national(*, pengusulan: Pengusulan) -> PengusulanSnapshot | None:
    return tpn.snapshot_current_national(pengusulan=pengusulan)


def tpn_results_national(*, pengusulan: Pengusulan) -> QuerySet[TPNResult]:
    """The TPN results recorded on the proposal, oldest first."""
    return tpn.tpn_results_for(pengusulan=pengusulan)


def snapshot_history_national(*, pengusulan: Pengusulan) -> QuerySet[PengusulanSnapshot]:
    return (
        PengusulanSnapshot.unscoped.filter(instansi_id=pengusulan.instansi_id, pengusulan=pengusulan)  # national
        .select_related("created_by")
        .defer("data")
        .order_by("-number")
    )


@dataclass
class ScoreLine:
    label: Any
    values: list[str | None]
    level: str  # "area", "half" or "total": how the page emphasises the line


def score_table(data: dict[str, Any]) -> tuple[list[str], list[ScoreLine]]:
    """The snapshot's scores as a table: one column per tier (in the snapshot's order), lines for
    Pemenuhan and Reform per area and in total, Pengungkit, Hasil and the total."""
    scores: dict[str, Any] = data.get("scores", {})
    tiers = [tier for tier in data.get("tiers", []) if tier in scores]
    lines: list[ScoreLine] = []
    for half, label in (("pemenuhan", _("Pemenuhan")), ("reform", _("Reform"))):
        for area, name in AREA_NAMES.items():
            lines.append(
                ScoreLine(
                    f"{label} — {name}",
                    [scores[t].get("areas", {}).get(half, {}).get(area) for t in tiers],
                    "area",
                )
            )
        lines.append(ScoreLine(label, [scores[t].get(half) for t in tiers], "half"))
    lines.append(ScoreLine(_("Pengungkit"), [scores[t].get("pengungkit") for t in tiers], "half"))
    lines.append(ScoreLine(_("Hasil"), [scores[t].get("hasil") for t in tiers], "half"))
    lines.append(ScoreLine(_("Total"), [scores[t].get("total") for t in tiers], "total"))
    return tiers, lines


def recommendation_label(recommendation: dict[str, Any] | None) -> Any:
    """The display label of a snapshot's recommendation decision ("layak_wbk" → its label)."""
    if not recommendation:
        return None
    decision = recommendation.get("decision", "")
    return dict(Recommendation.Decision.choices).get(decision, decision)


def unit_national(*, public_id: Any) -> UnitKerja | None:
    """A unit kerja that KemenPANRB knows of: it has a visible proposal or holds a predikat."""
    unit = UnitKerja.unscoped.filter(public_id=public_id).select_related("instansi").first()  # national read
    if unit is None:
        return None
    known = (
        Pengusulan.unscoped.filter(NATIONAL_VISIBLE, unit=unit).exists()  # national read
        or PredikatUnit.unscoped.filter(unit=unit).exists()  # national read
    )
    return unit if known else None


def unit_proposals_national(*, unit: UnitKerja) -> QuerySet[Pengusulan]:
    """The unit's visible proposals across years, latest first, with their current scores."""
    return proposal_queryset().filter(unit=unit).order_by("-cycle__tahun", "pk")


def unit_predikat_national(*, unit: UnitKerja) -> QuerySet[PredikatUnit]:
    return PredikatUnit.unscoped.filter(unit=unit).order_by("-decree_date")  # national read
