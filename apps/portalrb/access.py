"""Who reaches what of PortalRB (STYLE §4): the admin ZI's preview of a unit's document, and the
public evidence links, where the signature is the authorisation. The views call these."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.core import signing
from django.http import Http404

from apps.bukti_dukung.models import BuktiDukung
from apps.pengusulan.models import PengusulanSnapshot
from apps.portalrb.selectors import portalrb_snapshot_for_unit
from apps.portalrb.signing import EvidenceRef, evidence_ref
from apps.tenancy.access import require_capability
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.roles import Cap
from apps.tenancy.scope import scope

Evidence = tuple[EvidenceRef, PengusulanSnapshot, dict[str, Any]]


def access_unit_snapshot(actor: Membership, unit_public_id: object) -> PengusulanSnapshot:
    """The current snapshot of a unit of the actor's instansi, for the PortalRB preview. The lookup
    first: another instansi's unit is a 404 for everyone; a visible one without
    ``Cap.PORTALRB_MANAGE`` is a 403."""
    if actor.instansi is None:
        raise Http404
    snapshot = portalrb_snapshot_for_unit(instansi=actor.instansi, unit_id=unit_public_id)
    require_capability(actor, Cap.PORTALRB_MANAGE)
    return snapshot


def access_evidence_link(token: str) -> Evidence | None:
    """What a signed evidence link points to (the reference, its frozen snapshot, the unit's answer
    to the soal), or None for a bad signature, an expired link or a vanished instansi/snapshot."""
    try:
        ref = evidence_ref(token)
    except signing.BadSignature:
        return None
    instansi = Instansi.objects.filter(public_id=ref.instansi_public_id).first()
    if instansi is None:
        return None
    with scope(instansi.pk):
        snapshot = PengusulanSnapshot.objects.filter(public_id=ref.snapshot_public_id).first()
    if snapshot is None:
        return None
    entry = next((a for a in snapshot.data.get("answers", []) if int(a["soal_id"]) == ref.soal_id), None)
    unit = (entry or {}).get("unit") or {}
    return ref, snapshot, unit


def _sha256(bukti_row: BuktiDukung) -> str:
    digest = hashlib.sha256()
    with bukti_row.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def access_frozen_evidence(evidence: Evidence, bukti_id: uuid.UUID) -> BuktiDukung:
    """A file frozen in the link's snapshot for its soal, only while its content is unchanged (by the
    stored hash and the file's own); anything else is a 404."""
    _ref, snapshot, unit = evidence
    frozen = next((item for item in unit.get("evidence", []) if item.get("id") == str(bukti_id)), None)
    if frozen is None:
        raise Http404
    with scope(snapshot.instansi_id):
        row = BuktiDukung.objects.filter(public_id=bukti_id).first()
    if row is None:
        raise Http404
    try:
        if _sha256(row) != frozen.get("sha256") or row.sha256 != frozen.get("sha256"):
            raise Http404
    except FileNotFoundError as exc:
        raise Http404 from exc
    return row
