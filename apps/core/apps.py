from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = "ZI core"

    def ready(self) -> None:
        import zi.checks  # noqa: F401  (registers the production system checks)
