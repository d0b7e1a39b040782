from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules

import zi.checks  # noqa: F401  (importing registers the production system checks)


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "ZI core"

    def ready(self) -> None:
        # Each app declares its menu entries in <app>/navigation.py (see apps.core.navigation).
        autodiscover_modules("navigation")
