from django.apps import AppConfig


class TPNConfig(AppConfig):
    """TPN (Tim Penilai Nasional) results and the national API ``/api/v1/`` (DESIGN §9)."""

    name = "apps.tpn"
    label = "tpn"
    verbose_name = "TPN"

    def ready(self) -> None:
        # The national token (tpn's ApiToken), its MFA check and rate limit guard every /api/v1/ view
        # (apps.api.national.NationalView, also used by pendampingan and pemantauan). Imported here:
        # both import the models.
        from apps.api.national import register_national_api
        from apps.tpn.auth import IsNationalMember, NationalRateThrottle, NationalTokenAuthentication

        register_national_api(
            authentication=[NationalTokenAuthentication],
            permission=[IsNationalMember],
            throttle=[NationalRateThrottle],
        )
