from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RencanaAksiConfig(AppConfig):
    name = "apps.rencana_aksi"
    verbose_name = _("Rencana aksi and monitoring")

    def ready(self) -> None:
        # Registers its holders of evidence with apps.bukti_dukung.holders (imported once apps are ready).
        from apps.rencana_aksi import evidence  # noqa: F401
        from apps.rencana_aksi.services.imports import kegiatan_import_run
        from apps.tenancy.roles import Cap
        from apps.unit_kerja.models import ImportKind
        from apps.unit_kerja.services.import_jobs import import_kind_register

        # The kegiatan import runs as one of unit_kerja's import jobs (issue 21).
        import_kind_register(ImportKind.KEGIATAN, capability=Cap.RENCANA_AKSI_EDIT, service=kegiatan_import_run)
