from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Shared REST plumbing: the one error format, pagination, schema and docs (DESIGN §9)."""

    name = "apps.api"
    verbose_name = "API"
