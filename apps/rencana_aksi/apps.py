from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RencanaAksiConfig(AppConfig):
    name = "apps.rencana_aksi"
    verbose_name = _("Rencana aksi and monitoring")
