from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "apps.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # Domain apps register their report kinds in <app>/reports.py; importing those modules here
        # keeps reports free of imports of domain apps (STYLE §4.2 dependency rule).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("reports")
