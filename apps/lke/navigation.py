"""Menu entries of the LKE app (see apps.core.navigation): the templates, readable by every member."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import Group, register_nav

register_nav(Group.PENILAIAN, "lke:template-list", _("LKE"), order=90)
