"""Dashboard panels of the unit kerja app (registered in ``UnitKerjaConfig.ready``).

* admin ZI (Cap.UNIT_MANAGE): units, pegawai, the current year and its designated units;
* a unit-narrowed member: their unit, its penetapan this year, and what is due next;
* any other member who may see penetapan (TPI, pimpinan instansi, viewers): the designated units of
  the current year, i.e. the units to review.

Capabilities decide, never role names. Each builder makes a handful of queries, none per row.
"""

from __future__ import annotations

from apps.core.dashboards import Panel, register
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja import selectors

PANEL_LIMIT = 10


@register
def admin_panel(membership: Membership) -> Panel | None:
    if membership.instansi_id is None or not membership.can(Cap.UNIT_MANAGE):
        return None
    figures = selectors.dashboard_admin_figures(actor=membership)
    cycle = figures["cycle"]
    designated = (
        list(selectors.penetapan_list(actor=membership, cycle=cycle, designated_only=True)[:PANEL_LIMIT])
        if cycle is not None
        else []
    )
    return Panel(
        template="unit_kerja/panel_admin.html",
        context={**figures, "designated": designated, "limit": PANEL_LIMIT},
        order=10,
    )


@register
def unit_panel(membership: Membership) -> Panel | None:
    if membership.instansi_id is None or not membership.is_unit_narrowed or membership.unit is None:
        return None
    unit = membership.unit
    cycle = selectors.cycle_current(instansi=membership.instansi_id)
    can_see_penetapan = membership.can(Cap.PENETAPAN_VIEW)
    context = {
        "unit": unit,
        "cycle": cycle,
        "deadline": selectors.cycle_next_deadline(cycle=cycle) if cycle is not None else None,
        "can_see_penetapan": can_see_penetapan,
        "penetapan": (
            selectors.penetapan_for_unit(unit=unit, cycle=cycle) if cycle is not None and can_see_penetapan else None
        ),
    }
    return Panel(template="unit_kerja/panel_unit.html", context=context, order=10)


@register
def review_panel(membership: Membership) -> Panel | None:
    if (
        membership.instansi_id is None
        or membership.is_unit_narrowed
        or membership.can(Cap.UNIT_MANAGE)  # the admin panel already lists them
        or not membership.can(Cap.PENETAPAN_VIEW)
    ):
        return None
    cycle = selectors.cycle_current(instansi=membership.instansi_id)
    designated = (
        list(selectors.penetapan_list(actor=membership, cycle=cycle, designated_only=True)) if cycle is not None else []
    )
    return Panel(
        template="unit_kerja/panel_review.html",
        context={"cycle": cycle, "designated": designated},
        order=20,
    )
