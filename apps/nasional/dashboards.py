"""The dashboard panel of national roles: this year's proposals in numbers, and the way in."""

from __future__ import annotations

from apps.core.dashboards import Panel, register
from apps.tenancy.models import Membership


@register
def national_panel(membership: Membership) -> Panel | None:
    """For KemenPANRB and TPN members (Cap.NATIONAL_VIEW): the latest year's proposal counts."""
    from apps.nasional import selectors
    from apps.tenancy.roles import Cap

    if not membership.is_national or not membership.can(Cap.NATIONAL_VIEW):
        return None
    tahun = selectors.latest_tahun()
    return Panel(
        template="nasional/panel.html",
        context={"counts": selectors.national_counts(tahun=tahun)},
        order=5,
    )
