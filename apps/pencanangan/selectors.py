"""Reads of the pencanangan: coverage per unit, per position and for the instansi, who has not
signed, the signature list, and the one public lookup (verification by code)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery

from apps.pencanangan.models import PaktaIntegritas, Pencanangan
from apps.pencanangan.services import pakta_setting_get
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.rls import all_tenants
from apps.unit_kerja.models import Cycle, Pegawai, UnitKerja
from apps.unit_kerja.selectors import unit_kerja_visible


def signed_pct(signed: int, total: int) -> Decimal:
    """Signed among ``total`` in per cent, to one decimal (0.0 of none)."""
    if total == 0:
        return Decimal("0.0")
    return (Decimal(100 * signed) / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Coverage:
    """Signed among the active pegawai, against the instansi's threshold ("all or most pegawai")."""

    signed: int
    total: int
    threshold_pct: int

    @property
    def pct(self) -> Decimal:
        return signed_pct(self.signed, self.total)

    @property
    def unsigned(self) -> int:
        return self.total - self.signed

    @property
    def meets(self) -> bool:
        # integer arithmetic: 9 of 10 meets 90 %, no rounding at the edge
        return self.total > 0 and 100 * self.signed >= self.threshold_pct * self.total

    @property
    def needed(self) -> int:
        """How many more signatures reach the threshold."""
        required = -(-self.threshold_pct * self.total // 100)
        return max(required - self.signed, 0)


def _signed_subquery(cycle: Cycle) -> Exists:
    return Exists(
        PaktaIntegritas.objects.filter(
            instansi_id=cycle.instansi_id, cycle=cycle, pegawai=OuterRef("pk"), revoked_at__isnull=True
        )
    )


def pegawai_with_status(*, cycle: Cycle, units: QuerySet[UnitKerja]) -> QuerySet[Pegawai]:
    """Active pegawai of the units, each annotated ``has_signed``."""
    return (
        Pegawai.objects.filter(instansi_id=cycle.instansi_id, is_active=True, unit__in=units)
        .annotate(has_signed=_signed_subquery(cycle))
        .select_related("unit")
        .order_by("unit__path", "name")
    )


def coverage_of(*, cycle: Cycle, units: QuerySet[UnitKerja]) -> Coverage:
    row = (
        pegawai_with_status(cycle=cycle, units=units)
        .order_by()
        .aggregate(total=Count("pk"), signed=Count("pk", filter=Q(has_signed=True)))
    )
    threshold = pakta_setting_get(instansi=cycle.instansi).threshold_pct
    return Coverage(signed=row["signed"], total=row["total"], threshold_pct=threshold)


@dataclass(frozen=True)
class UnitCoverage:
    unit: UnitKerja
    coverage: Coverage
    pencanangan: Pencanangan | None


def coverage_per_unit(*, actor: Membership, cycle: Cycle) -> list[UnitCoverage]:
    """Every visible unit with its own pegawai's coverage (three queries in all)."""
    units = list(unit_kerja_visible(actor=actor).filter(is_active=True).order_by("path"))
    return coverage_of_units(cycle=cycle, units=units)


@dataclass(frozen=True)
class UnitSigned:
    """A unit and how many of its own active pegawai signed this year: a bar of a chart."""

    unit: UnitKerja
    signed: int
    total: int

    @property
    def pct(self) -> Decimal:
        return signed_pct(self.signed, self.total)


def _count_of(rows: QuerySet[Any]) -> Subquery:
    """``COUNT(*)`` of a correlated queryset, as a subquery (0, never NULL, when it has no row)."""
    counted = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")  # no GROUP BY: one row
    return Subquery(counted, output_field=IntegerField())


def signed_first_units(*, actor: Membership, cycle: Cycle, limit: int) -> list[UnitSigned]:
    """The first ``limit`` visible active units (in path order) that have active pegawai, each with
    its own pegawai's signatures: the rows of :func:`coverage_per_unit` a chart keeps (those with
    pegawai, the first ``limit``), in ONE query. Issue 22: the dashboard's chart read every visible
    unit (5,000 for the largest instansi's admin) with its pegawai grouped, its pencanangan and the
    instansi's threshold, to draw twelve bars; now each unit's two counts are correlated subqueries
    evaluated for the units shown only."""
    active = Pegawai.objects.filter(instansi_id=cycle.instansi_id, unit_id=OuterRef("pk"), is_active=True)
    # A pegawai has at most one standing signature a year (the partial unique index of
    # PaktaIntegritas), so counting them counts the active pegawai who signed — one join, no nested
    # EXISTS, which was most of the query's building and planning time.
    signed = PaktaIntegritas.objects.filter(
        instansi_id=cycle.instansi_id,
        cycle_id=cycle.pk,
        revoked_at__isnull=True,
        pegawai__instansi_id=cycle.instansi_id,
        pegawai__unit_id=OuterRef("pk"),
        pegawai__is_active=True,
    )
    units = (
        unit_kerja_visible(actor=actor)
        .filter(Exists(active), is_active=True)
        .annotate(pegawai_total=_count_of(active), pegawai_signed=_count_of(signed))
        .order_by("path")[:limit]
    )
    return [UnitSigned(unit=unit, signed=unit.pegawai_signed, total=unit.pegawai_total) for unit in units]


def coverage_of_units(*, cycle: Cycle, units: list[UnitKerja]) -> list[UnitCoverage]:
    """``units`` each with its own pegawai's coverage (two queries and the setting)."""
    counts = {
        row["unit_id"]: row
        for row in Pegawai.objects.filter(instansi_id=cycle.instansi_id, is_active=True, unit__in=units)
        .annotate(has_signed=_signed_subquery(cycle))
        .values("unit_id")
        .annotate(total=Count("pk"), signed=Count("pk", filter=Q(has_signed=True)))
        .order_by()
    }
    pencanangan = {
        p.unit_id: p for p in Pencanangan.objects.filter(instansi_id=cycle.instansi_id, cycle=cycle, unit__in=units)
    }
    threshold = pakta_setting_get(instansi=cycle.instansi).threshold_pct
    result = []
    for unit in units:
        row = counts.get(unit.pk, {"total": 0, "signed": 0})
        result.append(
            UnitCoverage(
                unit=unit,
                coverage=Coverage(signed=row["signed"], total=row["total"], threshold_pct=threshold),
                pencanangan=pencanangan.get(unit.pk),
            )
        )
    return result


@dataclass(frozen=True)
class PositionCoverage:
    position: str
    signed: int
    total: int


def coverage_by_position(*, cycle: Cycle, units: QuerySet[UnitKerja]) -> list[PositionCoverage]:
    rows = (
        pegawai_with_status(cycle=cycle, units=units)
        .values("position")
        .annotate(total=Count("pk"), signed=Count("pk", filter=Q(has_signed=True)))
        .order_by("position")
    )
    return [PositionCoverage(position=r["position"] or "-", signed=r["signed"], total=r["total"]) for r in rows]


def signatures_of(*, cycle: Cycle, units: QuerySet[UnitKerja]) -> QuerySet[PaktaIntegritas]:
    """Every signature (standing and revoked) made in the units this year, newest first.
    Pegawai who have since left keep their rows."""
    return (
        PaktaIntegritas.objects.filter(instansi_id=cycle.instansi_id, cycle=cycle, unit__in=units)
        .select_related("unit", "pegawai", "scan")
        .order_by("unit__path", "name", "-signed_at")
    )


def current_cycle(*, instansi: Instansi, tahun: int | None = None) -> Cycle | None:
    cycles = Cycle.objects.filter(instansi=instansi)
    if tahun is not None:
        return cycles.filter(tahun=tahun).first()
    return cycles.filter(is_open=True).order_by("-tahun").first() or cycles.order_by("-tahun").first()


def pakta_verify_lookup(code: str) -> PaktaIntegritas | None:
    """The public verification page's lookup: by the code printed on the PDF, across instansi
    (``unscoped``, one of the few greppable cross-tenant reads). Only what the page shows is used."""
    code = "".join((code or "").upper().split())
    if not code or len(code) > 16:
        return None

    with all_tenants("the public verify page finds a pact by its printed code"):
        return PaktaIntegritas.unscoped.select_related("unit", "instansi", "cycle").filter(verify_code=code).first()
