"""Menu entries of the penilaian app (see apps.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import Group, register_nav
from apps.tenancy.roles import Cap

register_nav(Group.PENILAIAN, "penilaian:penilaian-list", _("Penilaian (LKE)"), capability=Cap.PENILAIAN_VIEW, order=10)
register_nav(Group.PENILAIAN, "penilaian:review-list", _("TPI review"), capability=Cap.PENILAIAN_REVIEW, order=20)
register_nav(Group.PENILAIAN, "penilaian:tpi-assignments", _("TPI set-up"), capability=Cap.PENILAIAN_MANAGE, order=30)
