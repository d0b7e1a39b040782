from django.apps import AppConfig


class NasionalConfig(AppConfig):
    """The national read-only web view for KemenPANRB and TPN (DESIGN §1, §4): proposals across
    instansi, their counts, scores and snapshots."""

    name = "apps.nasional"
    label = "nasional"
    verbose_name = "Nasional"

    def ready(self) -> None:
        # Registers the national dashboard panel; imported here, as it imports the models.
        from apps.nasional import dashboards  # noqa: F401
