"""Reads of the rencana aksi: plans, kegiatan with their verified progress, periods, dashboards.

A kegiatan's *progress* is the progress of its latest **verified** realisasi (0 with none): what
the unit reports counts only once the tim kerja lead or the pimpinan unit has verified it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext

from apps.bukti_dukung.models import BuktiDukung
from apps.core.charts import BarChart, Series
from apps.lke.models import Area, LKETemplate
from apps.lke.selectors import lke_template_latest
from apps.penilaian.models import Penilaian
from apps.rencana_aksi.models import (
    Frekuensi,
    Kegiatan,
    PengaturanMonitoring,
    Realisasi,
    RealisasiStatus,
    RencanaAksi,
    RencanaAksiRevisi,
)
from apps.rencana_aksi.periods import Periode, period_containing, periods_for
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.roles import ROLE_CAPABILITIES
from apps.tenancy.selectors import membership_list_for_instansi
from apps.unit_kerja.models import Cycle, Penetapan, UnitKerja
from apps.unit_kerja.selectors import cycle_current

if TYPE_CHECKING:
    from apps.accounts.models import User
UPCOMING_DAYS = 30


def roles_with(capability: str) -> list[str]:
    # Capabilities decide; the membership query needs the roles that carry them.
    return sorted(role for role, caps in ROLE_CAPABILITIES.items() if capability in caps)


def unit_members_with(*, unit: UnitKerja, capability: str) -> list[User]:
    """Active members holding ``capability`` over the unit: narrowed to it or an ancestor, or
    instansi-wide members of a unit role (a pimpinan unit with no unit)."""
    ancestors = [int(part) for part in unit.path.strip("/").split("/") if part] or [unit.pk]
    rows = membership_list_for_instansi(instansi=unit.instansi).filter(
        Q(unit_id__in=ancestors) | Q(unit__isnull=True), is_active=True, role__in=roles_with(capability)
    )
    users = {row.user.pk: row.user for row in rows if row.user.is_active}
    return list(users.values())


def instansi_members_with(*, instansi: Instansi, capability: str) -> list[User]:
    rows = membership_list_for_instansi(instansi=instansi).filter(is_active=True, role__in=roles_with(capability))
    return list({row.user.pk: row.user for row in rows if row.user.is_active}.values())


def lke_template_for(tahun: int) -> LKETemplate | None:
    """The LKE a year is assessed on: that year's latest version, else the newest there is."""
    return lke_template_latest(tahun=tahun) or lke_template_latest()


def frekuensi_for(*, cycle: Cycle) -> str:
    setting = PengaturanMonitoring.objects.filter(instansi_id=cycle.instansi_id, cycle=cycle).first()
    return setting.frekuensi if setting else Frekuensi.MONTHLY


def periods_of(*, cycle: Cycle) -> list[Periode]:
    return periods_for(cycle.tahun, frekuensi_for(cycle=cycle))


def current_period(*, cycle: Cycle, today: datetime.date | None = None) -> Periode:
    """The period holding today, clamped into the cycle's year."""
    return current_period_of(cycle=cycle, frekuensi=frekuensi_for(cycle=cycle), today=today)


def current_period_of(*, cycle: Cycle, frekuensi: str, today: datetime.date | None = None) -> Periode:
    """``current_period`` with the frequency already read (no query)."""
    today = today or timezone.localdate()
    if today.year < cycle.tahun:
        return periods_for(cycle.tahun, frekuensi)[0]
    if today.year > cycle.tahun:
        return periods_for(cycle.tahun, frekuensi)[-1]
    return period_containing(today, frekuensi)


def rencana_for(*, unit: UnitKerja, tahun: int) -> RencanaAksi | None:
    return (
        RencanaAksi.objects.filter(instansi_id=unit.instansi_id, unit=unit, cycle__tahun=tahun)
        .select_related("cycle", "unit")
        .first()
    )


def rencana_list(*, actor: Membership, cycle: Cycle) -> QuerySet[RencanaAksi]:
    plans = RencanaAksi.objects.filter(instansi_id=actor.instansi_id, cycle=cycle).select_related("unit", "cycle")  # type: ignore[misc]  # no instansi: no row
    if actor.is_unit_narrowed and actor.unit is not None:
        plans = plans.filter(unit__instansi_id=actor.instansi_id, unit__path__under=actor.unit.path)  # type: ignore[misc]  # no instansi: no row
    return plans.order_by("unit__path")


def penilaian_for(*, unit: UnitKerja, cycle: Cycle) -> Penilaian | None:
    return Penilaian.objects.filter(instansi_id=unit.instansi_id, unit=unit, cycle=cycle).first()


def verified_progress() -> Subquery:
    """Each kegiatan's latest verified realisasi progress (NULL without one), as a subquery."""
    latest = Realisasi.objects.filter(kegiatan=OuterRef("pk"), status=RealisasiStatus.VERIFIED).order_by("-periode")
    return Subquery(latest.values("progress")[:1])


def kegiatan_with_progress(*, rencana: RencanaAksi) -> list[Kegiatan]:
    """The plan's kegiatan with ``progress`` (latest verified, 0 when none) annotated."""
    rows = (
        Kegiatan.objects.filter(instansi_id=rencana.instansi_id, rencana=rencana)
        .select_related("pic", "soal")
        .annotate(verified_progress=verified_progress())
        .order_by("area", "deadline", "id")
    )
    kegiatan: list[Kegiatan] = list(rows)
    for k in kegiatan:
        k.progress = k.verified_progress or 0  # type: ignore[attr-defined]
    return kegiatan


def kegiatan_with_progress_of(*, instansi_id: int, rencana_ids: list[int]) -> list[Kegiatan]:
    """``kegiatan_with_progress`` of many plans in one query (the reminder sweep), PIC users joined."""
    rows: list[Kegiatan] = list(
        Kegiatan.objects.filter(instansi_id=instansi_id, rencana_id__in=rencana_ids)
        .select_related("pic__user")
        .annotate(verified_progress=verified_progress())
        .order_by("rencana_id", "area", "deadline", "id")
    )
    for k in rows:
        k.progress = k.verified_progress or 0  # type: ignore[attr-defined]
    return rows


def history(*, rencana: RencanaAksi) -> QuerySet[RencanaAksiRevisi]:
    return RencanaAksiRevisi.objects.filter(instansi_id=rencana.instansi_id, rencana=rencana).select_related("actor")


def realisasi_for(*, kegiatan: Kegiatan) -> QuerySet[Realisasi]:
    return (
        Realisasi.objects.filter(instansi_id=kegiatan.instansi_id, kegiatan=kegiatan)
        .select_related("reported_by", "verified_by")
        .prefetch_related("evidence")
        .order_by("periode")
    )


def kegiatan_evidence(*, kegiatan: Kegiatan) -> list[Any]:
    return list(
        BuktiDukung.objects.filter(
            instansi_id=kegiatan.instansi_id,
            pk__in=Realisasi.evidence.through.objects.filter(realisasi__kegiatan=kegiatan).values("buktidukung_id"),
        ).order_by("-created_at")
    )


def due_in_period(*, rencana: RencanaAksi, periode: Periode) -> QuerySet[Kegiatan]:
    return (  # type: ignore[no-any-return]  # LiveTenantManager is untyped (apps/core/softdelete.py)
        Kegiatan.objects.filter(instansi_id=rencana.instansi_id, rencana=rencana)
        .annotate(hit=F("schedule").bitand(periode.mask))
        .filter(hit__gt=0)
        .select_related("pic")
        .order_by("area", "deadline")
    )


@dataclass
class AreaProgress:
    area: int
    label: str
    count: int = 0
    total: int = 0

    @property
    def average(self) -> int:
        return round(self.total / self.count) if self.count else 0


@dataclass
class UnitDashboard:
    rencana: RencanaAksi
    areas: list[AreaProgress]
    overdue: list[Kegiatan]
    upcoming: list[Kegiatan]
    overall: int
    kegiatan: list[Kegiatan] = field(default_factory=list)


def unit_dashboard(*, rencana: RencanaAksi, today: datetime.date | None = None) -> UnitDashboard:
    """Progress per area (mean of the kegiatan's verified progress), overdue kegiatan (deadline
    passed, not at 100 %) and upcoming ones (due in the next 30 days)."""
    return dashboard_of(rencana=rencana, kegiatan=kegiatan_with_progress(rencana=rencana), today=today)


def dashboard_of(
    *, rencana: RencanaAksi, kegiatan: list[Kegiatan], today: datetime.date | None = None
) -> UnitDashboard:
    """``unit_dashboard`` from kegiatan already read with their progress (no query)."""
    today = today or timezone.localdate()
    areas = {value: AreaProgress(value, label) for value, label in Area.choices}
    for k in kegiatan:
        areas[k.area].count += 1
        areas[k.area].total += k.progress  # type: ignore[attr-defined]
    open_items = [k for k in kegiatan if k.progress < 100]  # type: ignore[attr-defined]
    overdue = sorted((k for k in open_items if k.deadline < today), key=lambda k: k.deadline)
    horizon = today + datetime.timedelta(days=UPCOMING_DAYS)
    upcoming = sorted((k for k in open_items if today <= k.deadline <= horizon), key=lambda k: k.deadline)
    overall = round(sum(k.progress for k in kegiatan) / len(kegiatan)) if kegiatan else 0  # type: ignore[attr-defined]
    return UnitDashboard(rencana, list(areas.values()), overdue, upcoming, overall, kegiatan)


@dataclass
class HeatmapRow:
    unit: UnitKerja
    rencana: RencanaAksi | None
    cells: list[int | None]  # per area 1–6: mean progress, None without kegiatan
    overall: int | None


HEATMAP_PAGE = 50


def _heatmap_units(*, instansi_id: int, cycle: Cycle) -> QuerySet[UnitKerja]:
    """Active units with a plan or a penetapan of the year, in tree order."""
    has_plan = RencanaAksi.objects.filter(instansi_id=instansi_id, cycle=cycle, unit=OuterRef("pk"))
    has_penetapan = Penetapan.objects.filter(instansi_id=instansi_id, cycle=cycle, unit=OuterRef("pk"))
    return (
        UnitKerja.objects.filter(instansi_id=instansi_id, is_active=True)
        .filter(Exists(has_plan) | Exists(has_penetapan))
        .order_by("path")
    )


def _heatmap_rows(*, instansi_id: int, cycle: Cycle, units: list[UnitKerja]) -> list[HeatmapRow]:
    """The rows of ``units``: two queries whatever the number of units (plans; kegiatan progress)."""
    unit_ids = [unit.pk for unit in units]
    plans = {
        p.unit_id: p for p in RencanaAksi.objects.filter(instansi_id=instansi_id, cycle=cycle, unit_id__in=unit_ids)
    }
    sums: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    rows = (
        Kegiatan.objects.filter(instansi_id=instansi_id, rencana__cycle=cycle, rencana__unit_id__in=unit_ids)
        .annotate(verified_progress=verified_progress())
        .values_list("rencana__unit_id", "area", "verified_progress")
    )
    for unit_id, area, progress in rows:
        cell = sums[(unit_id, area)]
        cell[0] += progress or 0
        cell[1] += 1
    result = []
    for unit in units:
        cells: list[int | None] = []
        total = count = 0
        for area in Area.values:
            s, n = sums.get((unit.pk, area), (0, 0))
            cells.append(round(s / n) if n else None)
            total, count = total + s, count + n
        plan = plans.get(unit.pk)
        if plan is not None:
            plan.unit = unit
        result.append(HeatmapRow(unit, plan, cells, round(total / count) if count else None))
    return result


def heatmap(*, instansi: Instansi | int, cycle: Cycle) -> list[HeatmapRow]:
    """Units × areas: the mean verified progress of each unit's kegiatan in each area, for every
    active unit with a plan or a penetapan of the year (the export and the monthly summary). Three
    queries."""
    instansi_id = instansi if isinstance(instansi, int) else instansi.pk
    units = list(_heatmap_units(instansi_id=instansi_id, cycle=cycle))
    return _heatmap_rows(instansi_id=instansi_id, cycle=cycle, units=units)


@dataclass
class HeatmapPage:
    rows: list[HeatmapRow]
    next_after: UnitKerja | None  # the last unit of this page when another page follows
    prev_before: UnitKerja | None  # the first unit of this page when a page comes before it


def heatmap_page(
    *,
    instansi: Instansi | int,
    cycle: Cycle,
    after: UnitKerja | None = None,
    before: UnitKerja | None = None,
    size: int = HEATMAP_PAGE,
) -> HeatmapPage:
    """One page of the heatmap in tree order, after (or before) a unit: keyset pagination on the
    unit's path, so a page of the largest instansi costs what a page of a small one costs (no
    count, no offset). Three queries."""
    instansi_id = instansi if isinstance(instansi, int) else instansi.pk
    units = _heatmap_units(instansi_id=instansi_id, cycle=cycle)
    if before is not None:
        chunk = list(units.filter(path__lt=before.path).order_by("-path")[: size + 1])
        more_before = len(chunk) > size
        page = list(reversed(chunk[:size]))
        more_after = True
    else:
        if after is not None:
            units = units.filter(path__gt=after.path)
        chunk = list(units[: size + 1])
        more_after = len(chunk) > size
        page = chunk[:size]
        more_before = after is not None
    rows = _heatmap_rows(instansi_id=instansi_id, cycle=cycle, units=page)
    return HeatmapPage(
        rows=rows,
        next_after=page[-1] if more_after and page else None,
        prev_before=page[0] if more_before and page else None,
    )


def cycle_of(*, instansi: Instansi | int, tahun: int) -> Cycle | None:
    instansi_id = instansi if isinstance(instansi, int) else instansi.pk
    return Cycle.objects.filter(instansi_id=instansi_id, tahun=tahun).first()


def cycle_pick(*, instansi_id: int, tahun: object = None) -> Cycle | None:
    """The year asked for (``?tahun=``), else the current one, else the latest."""
    cycles = Cycle.objects.filter(instansi_id=instansi_id)
    if tahun:
        try:
            return cycles.filter(tahun=int(str(tahun))).first()
        except ValueError:
            return None
    return cycle_current(instansi=instansi_id) or cycles.order_by("-tahun").first()


def progress_per_period(*, rencana: RencanaAksi) -> list[tuple[str, Decimal, Decimal]]:
    """``(periode, average reported progress, average verified progress)`` of the plan's kegiatan,
    period by period (one grouped query): the rencana aksi chart over time (issue 21)."""
    rows = (
        Realisasi.objects.filter(instansi_id=rencana.instansi_id, kegiatan__rencana=rencana)
        .values("periode")
        .annotate(
            reported=Avg("progress"),
            verified=Avg("progress", filter=Q(status=RealisasiStatus.VERIFIED)),
        )
        .order_by("periode")
    )
    return [
        (
            row["periode"],
            Decimal(str(row["reported"] or 0)).quantize(Decimal("0.1")),
            Decimal(str(row["verified"] or 0)).quantize(Decimal("0.1")),
        )
        for row in rows
    ]


def progress_chart(*, rencana: RencanaAksi, until: str | None = None) -> Any:
    """The plan's progress period by period, reported and verified, as a chart (None before any
    realisasi); ``until`` (a period code) stops it at a report's period. The plan page and the
    monitoring PDF draw the same picture."""
    rows = [row for row in progress_per_period(rencana=rencana) if until is None or row[0] <= until]
    if not rows:
        return None
    return BarChart(
        title=gettext("Progress per period (average of the kegiatan reported)"),
        categories=[periode for periode, _reported, _verified in rows],
        series=[
            Series(gettext("Reported"), [reported for _periode, reported, _verified in rows]),
            Series(gettext("Verified"), [verified for _periode, _reported, verified in rows]),
        ],
        maximum=100,
        unit=" %",
    )
