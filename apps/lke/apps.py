from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LkeConfig(AppConfig):
    name = "apps.lke"
    verbose_name = _("LKE (Lembar Kerja Evaluasi)")
