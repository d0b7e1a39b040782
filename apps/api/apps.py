from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Shared REST plumbing: the one error format, pagination, schema and docs (DESIGN §9)."""

    name = "apps.api"
    verbose_name = "API"

    def ready(self) -> None:
        # Django's own 400/404/500/503 under /api/ answer with the API's error body (apps.core.hooks).
        from apps.api.errors import api_error_response
        from apps.core.hooks import register_api_error_page

        register_api_error_page(api_error_response)
