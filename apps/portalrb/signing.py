"""Signed, expiring evidence links for PortalRB's evaluators (``bukti_dukung_unit``).

A link names one soal of one frozen snapshot. It is signed with Django's ``TimestampSigner`` at a
*fixed* time — the snapshot's creation — so every retry of PortalRB gets the same URL (identical
bodies). It expires ``ZI_PORTALRB_LINK_DAYS`` days (default 180, long enough for the desk and field
evaluation) after the snapshot was frozen; a correction makes a new snapshot and so fresh links.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

from apps.pengusulan.models import PengusulanSnapshot

SALT = "zi.portalrb.bukti"
DEFAULT_LINK_DAYS = 180


def link_days() -> int:
    return int(getattr(settings, "ZI_PORTALRB_LINK_DAYS", DEFAULT_LINK_DAYS))


class _FixedTimeSigner(signing.TimestampSigner):
    """A TimestampSigner whose timestamp is given, not "now"."""

    def __init__(self, *, at: int) -> None:
        super().__init__(salt=SALT)
        self._at = at

    def timestamp(self) -> str:
        return signing.b62_encode(self._at)


@dataclass(frozen=True)
class EvidenceRef:
    instansi_public_id: uuid.UUID
    snapshot_public_id: uuid.UUID
    soal_id: int


def evidence_token(*, snapshot: PengusulanSnapshot, soal_id: int) -> str:
    payload = [str(snapshot.instansi.public_id), str(snapshot.public_id), int(soal_id)]
    return _FixedTimeSigner(at=int(snapshot.created_at.timestamp())).sign_object(payload)


def evidence_url(*, snapshot: PengusulanSnapshot, soal_id: int) -> str:
    """Absolute (SITE_URL), so the API and the admin's preview give the same bytes on every host."""
    path = reverse("portalrb:bukti", kwargs={"token": evidence_token(snapshot=snapshot, soal_id=soal_id)})
    return settings.SITE_URL + path


def evidence_ref(token: str) -> EvidenceRef:
    """The reference inside a link; ``signing.BadSignature`` (incl. ``SignatureExpired``) otherwise."""
    payload = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=link_days() * 24 * 3600)
    try:
        instansi_id, snapshot_id, soal_id = payload
        return EvidenceRef(uuid.UUID(str(instansi_id)), uuid.UUID(str(snapshot_id)), int(soal_id))
    except (TypeError, ValueError) as exc:
        raise signing.BadSignature("malformed evidence reference") from exc
