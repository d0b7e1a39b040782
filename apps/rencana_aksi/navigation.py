"""Menu entries of the rencana aksi app (see apps.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import Group, register_nav
from apps.tenancy.roles import Cap

register_nav(
    Group.PEMBANGUNAN, "rencana_aksi:rencana-list", _("Rencana aksi"), capability=Cap.RENCANA_AKSI_VIEW, order=10
)
register_nav(
    Group.PEMBANGUNAN,
    "rencana_aksi:heatmap",
    _("Monitoring rencana aksi"),
    capability=Cap.RENCANA_AKSI_MONITOR,
    order=20,
)
