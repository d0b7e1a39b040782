from django.apps import AppConfig

from apps.core.hooks import register_serve_check


class PortalRBConfig(AppConfig):
    """The PortalRB provider API (domain/PORTALRB_API.md): tokens, the three endpoints, the fetch log."""

    name = "apps.portalrb"
    label = "portalrb"
    verbose_name = "PortalRB"

    def ready(self) -> None:
        # Imported here, not at the top: they import the models.
        from apps.portalrb.fastpath import connect_signals
        from apps.portalrb.serve_check import portalrb_serve_check

        connect_signals()
        register_serve_check("portalrb", portalrb_serve_check)
