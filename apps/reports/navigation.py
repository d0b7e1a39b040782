"""Menu entries of the reports app (see apps.core.navigation): every member's own PDF reports."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import Group, register_nav

register_nav(Group.ADMINISTRASI, "reports:report-list", _("Reports"), order=20)
