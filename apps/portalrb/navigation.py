"""Menu entries of the PortalRB app (see apps.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import Group, register_nav
from apps.tenancy.roles import Cap

register_nav(Group.PENGUSULAN, "portalrb:overview", _("PortalRB"), capability=Cap.PORTALRB_MANAGE, order=20)
