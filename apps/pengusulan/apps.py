from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PengusulanConfig(AppConfig):
    name = "apps.pengusulan"
    verbose_name = _("Pengusulan (proposal to KemenPANRB)")
