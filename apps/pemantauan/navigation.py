"""Menu entries of the monitoring after the predikat (see apps.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import Group, register_nav
from apps.tenancy.roles import Cap

register_nav(
    Group.PENGUSULAN,
    "pemantauan:overview",
    _("Monitoring after the predikat"),
    capability=Cap.PENGUSULAN_VIEW,
    order=30,
)
register_nav(Group.NASIONAL, "pemantauan:national-list", _("Revocation proposals"), national=True, order=30)
