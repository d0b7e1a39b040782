"""The hash chain of the audit trail: canonical serialisation and the row hash.

Each instansi has its own chain. Row ``n`` stores ``prev_hash`` (the hash of row ``n-1`` of the same
instansi, or ``GENESIS`` for the first) and ``hash = HMAC-SHA256(key, canonical(row))`` (:func:`row_mac`,
the key from ``apps.audit.key``, never in the database), where the canonical form is compact,
key-sorted JSON of every recorded field **and** ``prev_hash``. Changing any field of any row, removing
a row or reordering rows breaks the hash of that row or the link of the next one — and recomputing
the hashes needs the key. :func:`row_hash` (plain SHA-256) is the unkeyed form of migrations 0004–0006,
kept for the migration that sealed the existing rows with the key (0007).

Pure functions only: the migration that back-fills existing rows imports this module, so it must not
import models.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import uuid
from typing import Any

GENESIS = "0" * 64

# The fields that the hash covers, in the canonical document. ``actor_id`` is deliberately absent:
# the foreign key is SET NULL when a user is erased, while ``actor_label`` keeps who it was.
HASHED_FIELDS = (
    "seq",
    "public_id",
    "instansi_id",
    "actor_label",
    "verb",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "created_at",
    "prev_hash",
)


def _canonical_value(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        # jsonb gives 1.0 back as 1.0 but 1e16 back as an int: integral floats hash as ints.
        return int(value)
    if isinstance(value, dict):
        return {str(k): _canonical_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical_value(v) for v in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime):
        # Always UTC with microseconds: the same text whatever the connection's time zone.
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value


def canonical(fields: dict[str, Any]) -> bytes:
    """The bytes that are hashed: compact JSON, keys sorted, non-ASCII kept as UTF-8."""
    document = {name: _canonical_value(fields[name]) for name in HASHED_FIELDS}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def row_hash(fields: dict[str, Any]) -> str:
    """The unkeyed hash of the chain before issue 18 (migrations only)."""
    return hashlib.sha256(canonical(fields)).hexdigest()


def row_mac(fields: dict[str, Any], key: bytes) -> str:
    """The keyed hash every row stores."""
    return hmac.new(key, canonical(fields), hashlib.sha256).hexdigest()


def fields_of(row: Any) -> dict[str, Any]:
    """The hashed fields of a model instance (or any object with those attributes)."""
    return {name: getattr(row, name) for name in HASHED_FIELDS}
