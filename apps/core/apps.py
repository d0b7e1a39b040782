from django.apps import AppConfig
from django.db.models import CharField
from django.utils.module_loading import autodiscover_modules

import zi.checks  # noqa: F401  (importing registers the production system checks)
from apps.core.lookups import Under


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "ZI core"

    def ready(self) -> None:
        CharField.register_lookup(Under)  # path__under: a subtree by index under RLS (apps.core.lookups)
        # Each app declares its menu entries in <app>/navigation.py (see apps.core.navigation).
        autodiscover_modules("navigation")
