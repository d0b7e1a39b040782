from django.apps import AppConfig


class TPNConfig(AppConfig):
    """TPN (Tim Penilai Nasional) results and the national API ``/api/v1/`` (DESIGN §9)."""

    name = "apps.tpn"
    label = "tpn"
    verbose_name = "TPN"
