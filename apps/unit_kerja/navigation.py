"""Menu entries of the unit kerja app (see apps.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import Group, register_nav
from apps.tenancy.roles import Cap

register_nav(Group.PERSIAPAN, "unit_kerja:unit-list", _("Unit kerja"), capability=Cap.UNIT_VIEW, order=10)
register_nav(Group.PERSIAPAN, "unit_kerja:pegawai-list", _("Pegawai"), capability=Cap.PEGAWAI_VIEW, order=20)
register_nav(Group.PERSIAPAN, "unit_kerja:penetapan-list", _("Penetapan"), capability=Cap.PENETAPAN_VIEW, order=30)
