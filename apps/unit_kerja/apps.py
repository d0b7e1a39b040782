from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitKerjaConfig(AppConfig):
    name = "apps.unit_kerja"
    verbose_name = _("Unit kerja")

    def ready(self) -> None:
        from apps.accounts.principal import connect_unit_signals
        from apps.accounts.units import register_unit_choices
        from apps.unit_kerja import dashboards, evidence  # noqa: F401  (dashboard panels, holders of evidence)
        from apps.unit_kerja.models import UnitKerja
        from apps.unit_kerja.selectors import unit_kerja_membership_choices

        connect_unit_signals(UnitKerja)  # a unit's members' cached principal (apps/accounts/principal.py)
        register_unit_choices(unit_kerja_membership_choices)  # the people page's units (apps/accounts/units.py)
