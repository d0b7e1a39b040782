from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PengusulanConfig(AppConfig):
    name = "apps.pengusulan"
    verbose_name = _("Pengusulan (proposal to KemenPANRB)")

    def ready(self) -> None:
        # Registers its holders of evidence with apps.bukti_dukung.holders (imported once apps are ready).
        from apps.pengusulan import evidence  # noqa: F401
