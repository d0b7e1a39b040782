from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RencanaAksiConfig(AppConfig):
    name = "apps.rencana_aksi"
    verbose_name = _("Rencana aksi and monitoring")

    def ready(self) -> None:
        # Registers its holders of evidence with apps.bukti_dukung.holders (imported once apps are ready).
        from apps.rencana_aksi import evidence  # noqa: F401
