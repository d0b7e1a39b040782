from django.apps import AppConfig


class PortalRBConfig(AppConfig):
    """The PortalRB provider API (domain/PORTALRB_API.md): tokens, the three endpoints, the fetch log."""

    name = "apps.portalrb"
    label = "portalrb"
    verbose_name = "PortalRB"

    def ready(self) -> None:
        from apps.portalrb.fastpath import connect_signals

        connect_signals()
