from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PendampinganConfig(AppConfig):
    name = "apps.pendampingan"
    verbose_name = _("Diagnosis, tim kerja and TPI pendampingan")

    def ready(self) -> None:
        # Registers its holders of evidence with apps.bukti_dukung.holders (imported once apps are ready).
        from apps.pendampingan import evidence  # noqa: F401
        from apps.pendampingan.suggestions import suggestions_for
        from apps.penilaian.suggestions import register_suggestions

        # The worksheet's suggestions read the tim kerja, the rencana aksi and the asistensi.
        register_suggestions(suggestions_for)
