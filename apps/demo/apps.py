from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo world for `make run` (no models: only the `seed_demo` command)."""

    name = "apps.demo"
    verbose_name = "ZI demo"
