from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PemantauanConfig(AppConfig):
    name = "apps.pemantauan"
    label = "pemantauan"
    verbose_name = _("Monitoring after the predikat")
