from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitKerjaConfig(AppConfig):
    name = "apps.unit_kerja"
    verbose_name = _("Unit kerja")

    def ready(self) -> None:
        from apps.unit_kerja import dashboards  # noqa: F401  (registers the dashboard panels)
