from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimkerjaConfig(AppConfig):
    name = "apps.timkerja"
    verbose_name = _("Tim kerja ZI")
