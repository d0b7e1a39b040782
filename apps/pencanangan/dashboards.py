"""Dashboard panel of the pencanangan app: a pegawai's own Pakta Integritas this year (signed or
not, with the signed PDF), for any member whose account is linked to a roster entry."""

from __future__ import annotations

from apps.core.dashboards import Panel, register
from apps.pencanangan import services
from apps.tenancy.models import Membership
from apps.unit_kerja.selectors import cycle_current


@register
def my_pakta_panel(membership: Membership) -> Panel | None:
    """Two queries: the linked roster entry and its standing signature of the current year."""
    if membership.instansi_id is None:
        return None
    pegawai = services.pegawai_of(actor=membership)
    if pegawai is None:
        return None
    cycle = cycle_current(instansi=membership.instansi_id)
    if cycle is None:
        return None
    return Panel(
        template="pencanangan/panel_my_pakta.html",
        context={
            "cycle": cycle,
            "pegawai": pegawai,
            "signed": services.pakta_standing(pegawai=pegawai, cycle=cycle),
            "is_self": services.signer_is_pegawai(user=membership.user, pegawai=pegawai),
        },
        order=5,
    )
