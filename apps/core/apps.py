from django.apps import AppConfig
from django.core.signals import request_started
from django.db.models import CharField
from django.utils.module_loading import autodiscover_modules

import zi.checks  # noqa: F401  (importing registers the production system checks)
from apps.core.cache import request_began
from apps.core.lookups import Under


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "ZI core"

    def ready(self) -> None:
        # A page learns Redis is up from the request's own session load (apps.core.context_processors).
        request_started.connect(request_began, dispatch_uid="zi-request-began")
        CharField.register_lookup(Under)  # path__under: a subtree by index under RLS (apps.core.lookups)
        # Each app declares its menu entries in <app>/navigation.py (see apps.core.navigation).
        autodiscover_modules("navigation")
