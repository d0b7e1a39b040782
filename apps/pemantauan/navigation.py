"""Menu entries of the monitoring after the predikat (see apps.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import Group, register_nav
from apps.pemantauan.services import MONITOR_CAPS

# The entry follows the pages' own rule (``services.can_monitor``): the admin ZI, the pimpinan
# instansi and the TPI (who reviews, Cap.PENILAIAN_REVIEW) monitor; an operator or a viewer does not.
register_nav(
    Group.PENGUSULAN,
    "pemantauan:overview",
    _("Monitoring after the predikat"),
    any_of=MONITOR_CAPS,
    order=30,
)
register_nav(Group.NASIONAL, "pemantauan:national-list", _("Revocation proposals"), national=True, order=30)
