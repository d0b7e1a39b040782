from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PenilaianConfig(AppConfig):
    name = "apps.penilaian"
    verbose_name = _("Penilaian (LKE assessment)")

    def ready(self) -> None:
        # Dashboard panels of the unit (worksheet) and of the TPI (review); the answers as holders of
        # evidence (apps.bukti_dukung.holders).
        from apps.penilaian import dashboards, evidence  # noqa: F401
