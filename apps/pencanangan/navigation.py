"""Menu entries of the pencanangan app (see apps.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import Group, register_nav
from apps.tenancy.roles import Cap

register_nav(
    Group.PERSIAPAN,
    "pencanangan:overview",
    _("Pencanangan & Pakta Integritas"),
    capability=Cap.PENCANANGAN_VIEW,
    order=40,
)
register_nav(Group.PERSIAPAN, "pencanangan:my-pakta", _("My Pakta Integritas"), order=50)
