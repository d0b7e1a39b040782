from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveiConfig(AppConfig):
    name = "apps.survei"
    verbose_name = _("Survei mandiri (SPAK/SPKP)")
