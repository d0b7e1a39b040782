from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuktiDukungConfig(AppConfig):
    name = "apps.bukti_dukung"
    verbose_name = _("Bukti dukung")
