from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PencananganConfig(AppConfig):
    name = "apps.pencanangan"
    label = "pencanangan"
    verbose_name = _("Pencanangan and Pakta Integritas")

    def ready(self) -> None:
        # The pegawai's own pakta panel; the pakta and pencanangan as holders of evidence.
        from apps.pencanangan import dashboards, evidence  # noqa: F401
