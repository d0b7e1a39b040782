"""access_bukti_dukung: evidence is reachable only inside its own instansi, and there only by whom
may see what it is about (``apps.bukti_dukung.holders``). Anything else is the same 404."""

from __future__ import annotations

from django.http import Http404

from apps.bukti_dukung.holders import bukti_is_visible
from apps.bukti_dukung.models import BuktiDukung
from apps.tenancy.access import get_in_scope_or_404
from apps.tenancy.models import Membership


def access_bukti_dukung(actor: Membership | None, public_id: object) -> BuktiDukung:
    bukti = get_in_scope_or_404(BuktiDukung, actor, public_id)
    assert actor is not None  # noqa: S101  (get_in_scope_or_404 raised otherwise)
    if not bukti_is_visible(actor, bukti):
        raise Http404
    return bukti
