from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PendampinganConfig(AppConfig):
    name = "apps.pendampingan"
    verbose_name = _("Diagnosis, tim kerja and TPI pendampingan")
