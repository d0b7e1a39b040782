"""Menu entries of the survei app (see apps.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import Group, register_nav
from apps.tenancy.roles import Cap

register_nav(Group.PENILAIAN, "survei:survei-list", _("Surveys (SPKP/SPAK)"), capability=Cap.SURVEI_VIEW, order=40)
