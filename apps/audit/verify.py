"""Walking the audit chains (``manage.py audit_verify``, the backup restore check).

Operator output, in English like the other management commands.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from apps.audit.chain import GENESIS, HASHED_FIELDS, fields_of, row_mac
from apps.audit.key import audit_key
from apps.audit.models import AuditEvent


@dataclass(frozen=True)
class ChainBreak:
    """The first row of a chain that does not verify, and why."""

    instansi_id: int
    event_id: int
    seq: int
    public_id: str
    reason: str


@dataclass(frozen=True)
class ChainHead:
    """A verified chain: its length and last hash (record it elsewhere to detect a cut-off tail)."""

    instansi_id: int
    length: int
    head_hash: str


def verify_chain(instansi_id: int, *, key: bytes | None = None) -> ChainHead | ChainBreak:
    """Walk one instansi's chain in ``seq`` order; stop at the first row that does not verify.
    Needs the audit key (``apps.audit.key``; ``AuditKeyMissing`` without it)."""
    key = key or audit_key()
    rows = (
        AuditEvent.unscoped.filter(instansi_id=instansi_id)
        .order_by("seq")
        .only("id", *(name for name in HASHED_FIELDS if name != "instansi_id"), "instansi_id", "hash")
    )
    expected_seq, prev = 1, GENESIS
    for row in rows.iterator(chunk_size=2000):

        def broken(reason: str, row: AuditEvent = row) -> ChainBreak:
            return ChainBreak(instansi_id, row.pk, row.seq, str(row.public_id), reason)

        if row.seq != expected_seq:
            return broken(f"sequence gap: expected {expected_seq}, found {row.seq} (rows were removed)")
        if row.prev_hash != prev:
            return broken("link broken: prev_hash is not the hash of the previous row")
        if not hmac.compare_digest(row_mac(fields_of(row), key), row.hash):
            return broken("content changed: the row no longer matches its hash")
        expected_seq, prev = expected_seq + 1, row.hash
    return ChainHead(instansi_id, expected_seq - 1, prev)


def verify_all(instansi_ids: list[int] | None = None) -> list[ChainHead | ChainBreak]:
    key = audit_key()
    if instansi_ids is None:
        instansi_ids = list(
            AuditEvent.unscoped.order_by("instansi_id").values_list("instansi_id", flat=True).distinct()
        )
    return [verify_chain(instansi_id, key=key) for instansi_id in instansi_ids]
