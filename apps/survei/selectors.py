"""Reads of the survei app: lists, results with their indices, the LKE suggestion."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from apps.survei.indices import IndexResult, index_compute
from apps.survei.instrument import INDEX_NAME, LKE_SOAL, PERNYATAAN, Instrumen
from apps.survei.models import Layanan, Respons, Survei, SurveiStatus
from apps.tenancy.models import Membership
from apps.tenancy.rls import all_tenants
from apps.unit_kerja.models import UnitKerja
from apps.unit_kerja.selectors import subtree_path, unit_kerja_visible

if TYPE_CHECKING:
    from apps.penilaian.models import Penilaian


# -----------------------------------------------------------------------------
# Public side
# -----------------------------------------------------------------------------


def layanan_by_token_public(*, token: str) -> Layanan | None:
    """PUBLIC, CROSS-TENANT: the service a public link names, found by its unguessable token alone.

    The only read of the survei app outside a scope: the public page has no login. The caller opens
    the service's instansi scope for everything after this.
    """
    if not token or len(token) > 16:
        return None
    with all_tenants("a public survey link establishes the instansi"):
        return (
            Layanan.unscoped.select_related("unit", "instansi")
            .filter(token=token, is_active=True, instansi__is_active=True)
            .first()
        )


def survei_open_for(*, layanan: Layanan, today: datetime.date | None = None) -> Survei | None:
    """The unit's survey that accepts answers today (the one opened last, should two overlap)."""
    today = today or timezone.localdate()
    return (
        Survei.objects.filter(
            instansi_id=layanan.instansi_id,
            unit_id=layanan.unit_id,
            status=SurveiStatus.OPEN,
            opens_on__lte=today,
            closes_on__gte=today,
        )
        .order_by("-opens_on", "-pk")
        .first()
    )


# -----------------------------------------------------------------------------
# Staff lists
# -----------------------------------------------------------------------------


def units_for(*, actor: Membership) -> QuerySet[UnitKerja]:
    return unit_kerja_visible(actor=actor).filter(is_active=True).order_by("path")


def survei_list(*, actor: Membership, tahun: int | None = None) -> QuerySet[Survei]:
    rows = Survei.objects.filter(instansi_id=actor.instansi_id).select_related("unit")  # type: ignore[misc]  # no instansi: no row
    prefix = subtree_path(actor)
    if prefix is not None:
        rows = rows.filter(unit__instansi_id=actor.instansi_id, unit__path__under=prefix)  # type: ignore[misc]  # no instansi: no row
    if tahun:
        rows = rows.filter(tahun=tahun)
    return rows.annotate(respondents=Count("responses")).order_by("-tahun", "unit__path", "-opens_on")


def survei_years(*, actor: Membership) -> list[int]:
    rows = Survei.objects.filter(instansi_id=actor.instansi_id)  # type: ignore[misc]  # no instansi: no row
    return sorted(set(rows.values_list("tahun", flat=True)), reverse=True)


def layanan_for_unit(*, unit: UnitKerja, active_only: bool = False) -> QuerySet[Layanan]:
    rows = Layanan.objects.filter(instansi_id=unit.instansi_id, unit=unit)
    if active_only:
        rows = rows.filter(is_active=True)
    return rows.order_by("name")


def survei_for_unit(*, unit: UnitKerja) -> QuerySet[Survei]:
    return (
        Survei.objects.filter(instansi_id=unit.instansi_id, unit=unit)
        .annotate(respondents=Count("responses"))
        .order_by("opens_on", "pk")
    )


# -----------------------------------------------------------------------------
# Results
# -----------------------------------------------------------------------------


def _rows(survei: Survei, instrumen: str) -> list[tuple[int, ...]]:
    codes = [p.code for p in PERNYATAAN[instrumen]]
    return list(
        Respons.objects.filter(instansi_id=survei.instansi_id, survei=survei).order_by("pk").values_list(*codes)
    )


def survei_indices(*, survei: Survei) -> dict[str, IndexResult]:
    """SPKP → IPKP and SPAK → IPAK of one survey, per statement and overall."""
    return {
        instrumen: index_compute(instrumen=instrumen, rows=_rows(survei, instrumen), konversi=survei.konversi)
        for instrumen in (Instrumen.SPKP, Instrumen.SPAK)
    }


@dataclass(frozen=True)
class MonthRow:
    month: datetime.date
    count: int
    ipkp: IndexResult
    ipak: IndexResult


def survei_by_month(*, survei: Survei) -> list[MonthRow]:
    """The indices of each calendar month of the period (the chart over time within a survey)."""
    codes = [p.code for p in (*PERNYATAAN[Instrumen.SPKP], *PERNYATAAN[Instrumen.SPAK])]
    rows = (
        Respons.objects.filter(instansi_id=survei.instansi_id, survei=survei)
        .annotate(month=TruncMonth("submitted_at"))
        .order_by("month", "pk")
        .values_list("month", *codes)
    )
    months: dict[datetime.date, list[tuple[int, ...]]] = {}
    for month, *values in rows:
        months.setdefault(month.date() if isinstance(month, datetime.datetime) else month, []).append(tuple(values))
    result = []
    for month, values in months.items():
        result.append(
            MonthRow(
                month=month,
                count=len(values),
                ipkp=index_compute(instrumen=Instrumen.SPKP, rows=[v[:8] for v in values], konversi=survei.konversi),
                ipak=index_compute(instrumen=Instrumen.SPAK, rows=[v[8:] for v in values], konversi=survei.konversi),
            )
        )
    return result


def survei_breakdown(*, survei: Survei) -> dict[str, Any]:
    """Respondents per service and per profile answer (counts only)."""
    rows = Respons.objects.filter(instansi_id=survei.instansi_id, survei=survei)
    layanan = Counter(dict(rows.values_list("layanan__name").annotate(n=Count("pk")).order_by()))
    profile = {}
    for field in ("usia", "jenis_kelamin", "pendidikan", "pekerjaan"):
        choices = dict(Respons._meta.get_field(field).choices)  # type: ignore[arg-type,union-attr]
        counts = Counter(dict(rows.values_list(field).annotate(n=Count("pk")).order_by()))
        profile[field] = [(label, counts.get(key, 0)) for key, label in choices.items()] + [("—", counts.get("", 0))]
    return {"layanan": sorted(layanan.items()), "profile": profile}


@dataclass(frozen=True)
class PeriodRow:
    survei: Survei
    ipkp: IndexResult
    ipak: IndexResult


def unit_history(*, unit: UnitKerja) -> list[PeriodRow]:
    """Every survey period of a unit in time order with its indices (the chart over time)."""
    return [PeriodRow(survei, *survei_indices(survei=survei).values()) for survei in survei_for_unit(unit=unit)]


# -----------------------------------------------------------------------------
# The LKE suggestion
# -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LKESuggestion:
    """The survey value suggested for an LKE hasil soal (never written into the answer)."""

    instrumen: str
    survei: Survei
    result: IndexResult

    @property
    def index_name(self) -> str:
        return INDEX_NAME[self.instrumen]

    @property
    def value(self) -> Decimal | None:
        return self.result.suggested


def instrumen_for_soal(portalrb_soal_id: int) -> str | None:
    return next((instrumen for instrumen, soal_id in LKE_SOAL.items() if soal_id == portalrb_soal_id), None)


def lke_suggestion(*, penilaian: Penilaian, portalrb_soal_id: int) -> LKESuggestion | None:
    """For IPAK (soal 125) and IPKP (soal 127): the latest survey of the unit in the penilaian's year
    that has answers, with its index. None for any other soal, or without such a survey."""
    instrumen = instrumen_for_soal(portalrb_soal_id)
    if instrumen is None:
        return None
    survei = (
        Survei.objects.filter(instansi_id=penilaian.instansi_id, unit_id=penilaian.unit_id, tahun=penilaian.cycle.tahun)
        .filter(responses__isnull=False)
        .distinct()
        .order_by("-closes_on", "-pk")
        .first()
    )
    if survei is None:
        return None
    result = index_compute(instrumen=instrumen, rows=_rows(survei, instrumen), konversi=survei.konversi)
    return LKESuggestion(instrumen=instrumen, survei=survei, result=result)


def respons_export_rows(*, survei: Survei) -> QuerySet[Respons]:
    return (
        Respons.objects.filter(instansi_id=survei.instansi_id, survei=survei)
        .select_related("layanan")
        .order_by("submitted_at", "pk")
    )
