"""Menu entries of the pendampingan app (see apps.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import Group, register_nav
from apps.tenancy.roles import Cap

register_nav(
    Group.PERSIAPAN, "pendampingan:index", _("Diagnosis and tim kerja"), capability=Cap.PENDAMPINGAN_VIEW, order=90
)
register_nav(
    Group.PEMBANGUNAN, "pendampingan:tpi-inbox", _("TPI consultations"), capability=Cap.PENDAMPINGAN_TPI, order=40
)
register_nav(Group.NASIONAL, "pendampingan:tpn-list", _("Questions from the TPI"), national=True, order=90)
