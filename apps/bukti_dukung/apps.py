from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.bukti_dukung.scanning import scanner_health, unscanned_notice
from apps.core.hooks import register_health, register_notice


class BuktiDukungConfig(AppConfig):
    name = "apps.bukti_dukung"
    verbose_name = _("Bukti dukung")

    def ready(self) -> None:
        # The upload scanner's banner notice and /health/ line (apps.core.hooks).
        register_notice(unscanned_notice)
        register_health("scanner", scanner_health)
