"""access_bukti_dukung: evidence is reachable only inside its own instansi (404 elsewhere)."""

from __future__ import annotations

from apps.bukti_dukung.models import BuktiDukung
from apps.tenancy.access import get_in_scope_or_404
from apps.tenancy.models import Membership


def access_bukti_dukung(actor: Membership | None, public_id: object) -> BuktiDukung:
    return get_in_scope_or_404(BuktiDukung, actor, public_id)
