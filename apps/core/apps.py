from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "ZI core"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        import zi.checks  # noqa: F401  (registers the production system checks)

        # Each app declares its menu entries in <app>/navigation.py (see apps.core.navigation).
        autodiscover_modules("navigation")
