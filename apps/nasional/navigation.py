"""Menu entries of the national web view (see apps.core.navigation)."""

from django.utils.translation import gettext_lazy as _

from apps.core.navigation import Group, register_nav

register_nav(Group.NASIONAL, "nasional:dashboard", _("Nasional"), national=True, order=10)
