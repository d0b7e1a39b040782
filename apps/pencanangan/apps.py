from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PencananganConfig(AppConfig):
    name = "apps.pencanangan"
    label = "pencanangan"
    verbose_name = _("Pencanangan and Pakta Integritas")

    def ready(self) -> None:
        from apps.pencanangan import dashboards  # noqa: F401  (registers the pegawai's own pakta panel)
