"""Reads of the unit kerja register, the roster, cycles and penetapan, always for an explicit
instansi or actor.

A unit-narrowed member (``membership.is_unit_narrowed``: pimpinan unit, tim kerja, pegawai with a
unit) sees only their unit's subtree, found by index with ``path__under`` (``apps.core.lookups``: the
(instansi, path) range that row-level security lets PostgreSQL use). Other apps use
:func:`unit_kerja_visible`, :func:`penetapan_designated_list` and :func:`cycle_current`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.core.memo import memoized
from apps.tenancy.models import Instansi, Membership
from apps.unit_kerja.models import Cycle, Pegawai, Penetapan, PenetapanStatus, UnitKerja
from apps.unit_kerja.validators import person_name_key, same_person_name

# -----------------------------------------------------------------------------
# Units
# -----------------------------------------------------------------------------


def subtree_path(actor: Membership) -> str | None:
    """The path prefix a unit-narrowed member is limited to, or None for the whole instansi."""
    if not actor.is_unit_narrowed or actor.unit is None:
        return None
    return actor.unit.path


def unit_kerja_visible(*, actor: Membership) -> QuerySet[UnitKerja]:
    """Every unit the actor may see: the instansi's, or a narrowed member's own subtree."""
    units = UnitKerja.objects.filter(instansi_id=actor.instansi_id)  # type: ignore[misc]  # no instansi: no row
    prefix = subtree_path(actor)
    if prefix is not None:
        units = units.filter(path__under=prefix)
    return units


def _active_count() -> Subquery:
    """Active pegawai per unit as a correlated subquery (no GROUP BY over the joined tree)."""
    return Subquery(
        Pegawai.objects.filter(unit=OuterRef("pk"), is_active=True)
        .order_by()
        .values("unit")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def _path_key(unit: UnitKerja, codes: dict[int, str]) -> tuple[str, ...]:
    # Siblings sort by code; ordering on the path string itself breaks under non-C collations.
    return tuple(codes.get(int(part), "") for part in unit.path.strip("/").split("/") if part)


def unit_kerja_tree(*, actor: Membership, include_inactive: bool = True) -> list[UnitKerja]:
    """The visible units in tree order (depth-first, siblings by code), one query.

    Each unit carries ``pegawai_count`` (active roster) and ``rel_depth`` (depth below the
    actor's root, for indentation).
    """
    units = unit_kerja_visible(actor=actor)
    if not include_inactive:
        units = units.filter(is_active=True)
    rows: list[UnitKerja] = list(
        units.select_related("head").annotate(pegawai_count=Coalesce(_active_count(), Value(0))).order_by()
    )
    codes = {u.pk: u.code for u in rows}
    rows.sort(key=lambda u: _path_key(u, codes))
    base = min((u.depth for u in rows), default=0)
    for unit in rows:
        unit.rel_depth = unit.depth - base  # type: ignore[attr-defined]
    return rows


def unit_kerja_choices(*, actor: Membership) -> QuerySet[UnitKerja]:
    """Active visible units for a form's choice field (labelled by code and name)."""
    return unit_kerja_visible(actor=actor).filter(is_active=True).order_by("code")


def unit_kerja_membership_choices(*, instansi: Instansi) -> QuerySet[UnitKerja]:
    """Units a membership may be narrowed to (the people page of accounts, through
    ``apps.accounts.units``): the instansi's own active units, in tree order."""
    return UnitKerja.objects.filter(instansi=instansi, is_active=True).order_by("path")


@dataclass(frozen=True)
class UnitDetail:
    unit: UnitKerja
    ancestors: list[UnitKerja]
    children: list[UnitKerja]
    roster: list[Pegawai]
    active_count: int
    inactive_count: int
    penetapan: list[Penetapan]


def unit_kerja_detail(*, actor: Membership, unit: UnitKerja) -> UnitDetail:
    """A unit's page: its chain of parents (the visible part), children, roster and penetapan history."""
    unit = UnitKerja.objects.select_related("parent", "head").get(instansi_id=unit.instansi_id, pk=unit.pk)
    ancestor_ids = [int(p) for p in unit.path.strip("/").split("/")[:-1] if p]
    ancestors = list(unit_kerja_visible(actor=actor).filter(pk__in=ancestor_ids).order_by("depth"))
    children: list[UnitKerja] = list(
        UnitKerja.objects.filter(instansi_id=unit.instansi_id, parent=unit)
        .annotate(pegawai_count=Coalesce(_active_count(), Value(0)))
        .order_by("code")
    )
    roster = list(Pegawai.objects.filter(instansi_id=unit.instansi_id, unit=unit).order_by("-is_active", "name"))
    active = sum(1 for p in roster if p.is_active)
    penetapan = list(
        Penetapan.objects.filter(instansi_id=unit.instansi_id, unit=unit)
        .select_related("cycle", "sk_file")
        .order_by("-cycle__tahun")
    )
    return UnitDetail(unit, ancestors, children, roster, active, len(roster) - active, penetapan)


# -----------------------------------------------------------------------------
# Roster
# -----------------------------------------------------------------------------


def pegawai_list(
    *,
    actor: Membership,
    unit: UnitKerja | None = None,
    query: str = "",
    include_inactive: bool = False,
) -> QuerySet[Pegawai]:
    """The roster the actor may see, optionally one unit's, searched by NIP or name."""
    pegawai = Pegawai.objects.filter(instansi_id=actor.instansi_id).select_related("unit")  # type: ignore[misc]  # no instansi: no row
    prefix = subtree_path(actor)
    if prefix is not None:
        pegawai = pegawai.filter(unit__instansi_id=actor.instansi_id, unit__path__under=prefix)  # type: ignore[misc]  # no instansi: no row
    if unit is not None:
        pegawai = pegawai.filter(unit=unit)
    if not include_inactive:
        pegawai = pegawai.filter(is_active=True)
    query = query.strip()
    if query:
        pegawai = pegawai.filter(Q(nip__startswith=query.replace(" ", "")) | Q(name__icontains=query))
    return pegawai.order_by("name", "nip")


def pegawai_counts(*, actor: Membership) -> dict[str, int]:
    """Active and departed pegawai in the actor's view (one aggregate)."""
    pegawai = Pegawai.objects.filter(instansi_id=actor.instansi_id)  # type: ignore[misc]  # no instansi: no row
    prefix = subtree_path(actor)
    if prefix is not None:
        pegawai = pegawai.filter(unit__instansi_id=actor.instansi_id, unit__path__under=prefix)  # type: ignore[misc]  # no instansi: no row
    return pegawai.aggregate(
        active=Count("pk", filter=Q(is_active=True)), inactive=Count("pk", filter=Q(is_active=False))
    )


def pegawai_account_candidates(*, pegawai: Pegawai, limit: int = 10) -> list[Any]:
    """Logins that could be this pegawai's: active members of the instansi, linked to no roster
    entry there, whose name is the pegawai's (titles aside) — the only ones the link accepts. A
    hint for the link page; it shows nobody whose name differs."""
    key = person_name_key(pegawai.name)
    if not key:
        return []
    linked = Pegawai.objects.filter(instansi_id=pegawai.instansi_id, user__isnull=False).values("user_id")
    users = (
        User.objects.filter(
            is_active=True,
            memberships__instansi_id=pegawai.instansi_id,
            memberships__is_active=True,
            name__icontains=max(key, key=len),
        )
        .exclude(pk__in=linked)
        .distinct()
        .order_by("name", "email")[:200]
    )
    return [user for user in users if same_person_name(user.name, pegawai.name)][:limit]


def pegawai_choices_for_unit(*, unit: UnitKerja) -> QuerySet[Pegawai]:
    """Active pegawai of exactly this unit (candidates for head of unit)."""
    return Pegawai.objects.filter(instansi_id=unit.instansi_id, unit=unit, is_active=True).order_by("name")


# -----------------------------------------------------------------------------
# Cycles
# -----------------------------------------------------------------------------


def cycle_list(*, instansi: Instansi) -> QuerySet[Cycle]:
    return (
        Cycle.objects.filter(instansi=instansi)
        .annotate(designated_count=Count("penetapan", filter=Q(penetapan__status=PenetapanStatus.DESIGNATED)))
        .order_by("-tahun")
    )


def cycle_current(*, instansi: Instansi | int, today: datetime.date | None = None) -> Cycle | None:
    """The cycle of this calendar year if it is open, else the most recent open one, else None.
    Read once per memo scope (``apps.core.memo``: a dashboard's panels all ask for it)."""
    today = today or timezone.localdate()
    instansi_id = instansi if isinstance(instansi, int) else instansi.pk
    return memoized(("unit_kerja.cycle_current", instansi_id, today), lambda: _cycle_current(instansi_id, today))


def _cycle_current(instansi_id: int, today: datetime.date) -> Cycle | None:
    cycles = Cycle.objects.filter(instansi_id=instansi_id, is_open=True)
    return cycles.filter(tahun=today.year).first() or cycles.filter(tahun__lt=today.year).order_by("-tahun").first()


def cycle_next_tahun(*, instansi: Instansi, today: datetime.date | None = None) -> int:
    """The year to offer when opening a cycle: this year, or the one after the latest opened."""
    today = today or timezone.localdate()
    latest = Cycle.objects.filter(instansi=instansi).aggregate(latest=Max("tahun"))["latest"]
    return max(today.year, latest + 1) if latest is not None else today.year


def cycle_get_by_tahun(*, instansi: Instansi, tahun: int) -> Cycle | None:
    return Cycle.objects.filter(instansi=instansi, tahun=tahun).first()


@dataclass(frozen=True)
class Deadline:
    label: Any
    date: datetime.date
    is_open_now: bool


def cycle_next_deadline(*, cycle: Cycle, today: datetime.date | None = None) -> Deadline | None:
    """ "What is due next": the open window that closes soonest, else the next window to open."""
    today = today or timezone.localdate()
    windows = [
        (_("Self-assessment (LKE) opens"), _("Self-assessment (LKE) closes"), cycle.fill_start, cycle.fill_end),
        (_("TPI review opens"), _("TPI review closes"), cycle.review_start, cycle.review_end),
        (_("Revision opens"), _("Revision closes"), cycle.revision_start, cycle.revision_end),
        (_("Proposal deadline"), _("Proposal deadline"), cycle.fill_start, cycle.proposal_end),
    ]
    open_now = sorted(
        ((end, closes) for _opens, closes, start, end in windows if start <= today <= end), key=lambda w: w[0]
    )
    if open_now:
        return Deadline(open_now[0][1], open_now[0][0], True)
    upcoming = sorted(((start, opens) for opens, _closes, start, _end in windows if start > today), key=lambda w: w[0])
    if upcoming:
        return Deadline(upcoming[0][1], upcoming[0][0], False)
    return None


# -----------------------------------------------------------------------------
# Penetapan
# -----------------------------------------------------------------------------


def penetapan_list(*, actor: Membership, cycle: Cycle, designated_only: bool = False) -> QuerySet[Penetapan]:
    """Penetapan of one year that the actor may see, with unit and SK file, by unit code."""
    rows = Penetapan.objects.filter(instansi_id=actor.instansi_id, cycle=cycle).select_related(  # type: ignore[misc]  # no instansi: no row
        "unit", "cycle", "sk_file"
    )
    prefix = subtree_path(actor)
    if prefix is not None:
        rows = rows.filter(unit__instansi_id=actor.instansi_id, unit__path__under=prefix)  # type: ignore[misc]  # no instansi: no row
    if designated_only:
        rows = rows.filter(status=PenetapanStatus.DESIGNATED)
    return rows.order_by("unit__code")


def penetapan_designated_list(*, instansi: Instansi | int, tahun: int) -> QuerySet[Penetapan]:
    """The units designated (by SK) for a year — for the later stages (pencanangan, penilaian)."""
    instansi_id = instansi if isinstance(instansi, int) else instansi.pk
    return (
        Penetapan.objects.filter(instansi_id=instansi_id, cycle__tahun=tahun, status=PenetapanStatus.DESIGNATED)
        .select_related("unit", "cycle")
        .order_by("unit__code")
    )


def penetapan_is_designated(*, unit: UnitKerja, tahun: int) -> bool:
    return Penetapan.objects.filter(
        instansi_id=unit.instansi_id, unit=unit, cycle__tahun=tahun, status=PenetapanStatus.DESIGNATED
    ).exists()


def penetapan_for_unit(*, unit: UnitKerja, cycle: Cycle) -> Penetapan | None:
    return Penetapan.objects.filter(instansi_id=unit.instansi_id, unit=unit, cycle=cycle).first()


def penetapan_counts(*, actor: Membership, cycle: Cycle) -> dict[str, int]:
    rows = penetapan_list(actor=actor, cycle=cycle).order_by()
    return rows.aggregate(total=Count("pk"), designated=Count("pk", filter=Q(status=PenetapanStatus.DESIGNATED)))


# -----------------------------------------------------------------------------
# Dashboard figures
# -----------------------------------------------------------------------------


def dashboard_admin_figures(*, actor: Membership) -> dict[str, Any]:
    """Admin ZI: how many units and pegawai, the current year and its designated units."""
    units = unit_kerja_visible(actor=actor).aggregate(total=Count("pk"), active=Count("pk", filter=Q(is_active=True)))
    cycle = cycle_current(instansi=actor.instansi_id) if actor.instansi_id is not None else None
    figures: dict[str, Any] = {
        "unit_total": units["total"],
        "unit_active": units["active"],
        "pegawai": pegawai_counts(actor=actor)["active"],
        "cycle": cycle,
        "penetapan": None,
    }
    if cycle is not None:
        figures["penetapan"] = penetapan_counts(actor=actor, cycle=cycle)
    return figures
