"""Menu entries of the notifications app (see apps.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import Group, register_nav
from apps.tenancy.roles import Cap

register_nav(
    Group.ADMINISTRASI, "notifications:failures", _("Undelivered emails"), capability=Cap.PEOPLE_MANAGE, order=90
)
