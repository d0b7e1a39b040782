"""Menu entries of the audit app (see apps.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import Group, register_nav
from apps.tenancy.roles import Cap

register_nav(Group.ADMINISTRASI, "audit:event-list", _("Audit"), capability=Cap.AUDIT_VIEW, order=30)
