"""Menu entries of the pengusulan app (see apps.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import Group, register_nav
from apps.tenancy.roles import Cap

register_nav(Group.PENGUSULAN, "pengusulan:pengusulan-list", _("Pengusulan"), capability=Cap.PENGUSULAN_VIEW, order=10)
