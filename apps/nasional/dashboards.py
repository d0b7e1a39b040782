"""The dashboard panel of national roles: this year's proposals in numbers, and the way in."""

from __future__ import annotations

from django.utils.translation import gettext as _

from apps.core.charts import BarChart, Series
from apps.core.dashboards import Panel, register
from apps.nasional import selectors
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap


@register
def national_panel(membership: Membership) -> Panel | None:
    """For KemenPANRB and TPN members (Cap.NATIONAL_VIEW): the latest year's proposal counts."""
    if not membership.is_national or not membership.can(Cap.NATIONAL_VIEW):
        return None
    tahun = selectors.latest_tahun()
    counts = selectors.national_counts(tahun=tahun)
    charts = []
    if counts.by_stage:
        charts.append(
            BarChart(
                title=_("Proposals %(tahun)s by stage") % {"tahun": tahun},
                categories=[row.label for row in counts.by_stage],
                series=[Series(_("Proposals"), [row.count for row in counts.by_stage])],
            )
        )
    if counts.by_province:
        charts.append(
            BarChart(
                title=_("Proposals %(tahun)s by province") % {"tahun": tahun},
                categories=[row.label for row in counts.by_province],
                series=[Series(_("Proposals"), [row.count for row in counts.by_province])],
            )
        )
    return Panel(template="nasional/panel.html", context={"counts": counts, "charts": charts}, order=5)
