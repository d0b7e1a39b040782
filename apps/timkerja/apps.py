from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimkerjaConfig(AppConfig):
    name = "apps.timkerja"
    verbose_name = _("Tim kerja ZI")

    def ready(self) -> None:
        # Registers its holder of evidence with apps.bukti_dukung.holders (imported once apps are ready).
        from apps.timkerja import evidence  # noqa: F401
