"""audit_record: the one way to write the audit trail, as a hash chain per instansi.

Concurrency: appending reads the chain head (the instansi's last row) and writes the next row, so
two writers of one instansi must not interleave, or both would link to the same head and fork the
chain. On PostgreSQL the writer takes a **transaction-level advisory lock** keyed on the instansi
(``pg_advisory_xact_lock``) before reading the head; it is released when the service's transaction
commits or rolls back, so a rolled-back write leaves no gap. Writers of different instansi never wait
for each other. On SQLite (the embedded demo) every transaction already takes the write lock at BEGIN
(``transaction_mode=IMMEDIATE``). The unique ``(instansi, seq)`` constraint is the last line: a fork
would be an IntegrityError, never a silent second branch.
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.utils import timezone

from apps.audit.chain import GENESIS, fields_of, row_mac
from apps.audit.key import audit_key
from apps.audit.models import AuditEvent
from apps.tenancy.models import Instansi, Membership, TenantModel

if TYPE_CHECKING:
    from apps.accounts.models import User


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(getattr(value, "public_id", None) or value.pk)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or None
    return str(value)


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of an instance as JSON-able values (FKs as their public_id)."""
    data: dict[str, Any] = {}
    for name in fields:
        data[name] = _jsonable(getattr(instance, name))
    return data


def changes_to_before_after(changes: Mapping[str, tuple[Any, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split model_update's ``{field: (old, new)}`` into before/after dicts."""
    before = {name: _jsonable(old) for name, (old, _new) in changes.items()}
    after = {name: _jsonable(new) for name, (_old, new) in changes.items()}
    return before, after


def audit_record(
    *,
    actor: User | None,
    verb: str,
    obj: models.Model,
    instansi: Instansi | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Record one write. Call inside the service's transaction so the event and the write commit together.

    ``instansi`` defaults to the object's own (tenant rows) or the object itself (an Instansi).
    ``actor_label`` names an actor without an account (a signed link); default: the user, or "sistem".
    """
    if instansi is None:
        if isinstance(obj, TenantModel):
            instansi = obj.instansi
        elif isinstance(obj, Instansi):
            instansi = obj
        else:
            raise ValueError(f"audit_record needs instansi= for {type(obj).__name__}")
    event = AuditEvent(
        instansi=instansi,
        actor=actor,
        actor_label=(actor_label or (str(actor) if actor is not None else "sistem"))[:200],
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=getattr(obj, "public_id", None),
        object_repr=str(obj)[:300],
        before=_stored_json(before),
        after=_stored_json(after),
    )
    key = audit_key()  # before the lock: production without AUDIT_KEY fails here, loudly
    # Inside the service's transaction no savepoint is needed: a failure here fails the whole write.
    with transaction.atomic(savepoint=False):
        head = _lock_chain(instansi.pk)
        event.seq, event.prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS)
        event.created_at = timezone.now()
        event.hash = row_mac(fields_of(event), key)
        event.save(force_insert=True)
    return event


def audit_record_many(
    *, actor: User | None, verb: str, objs: list[TenantModel], after: list[Mapping[str, Any] | None]
) -> list[AuditEvent]:
    """``audit_record`` for many objects of ONE instansi in a fixed number of queries (one lock, one
    head read, one bulk insert), chained in the given order. For bulk system writes (the sweep)."""
    if not objs:
        return []
    instansi_id = objs[0].instansi_id
    events: list[AuditEvent] = []
    key = audit_key()
    with transaction.atomic():
        head = _lock_chain(instansi_id)
        seq, prev = head if head else (0, GENESIS)
        now = timezone.now()
        for obj, values in zip(objs, after, strict=True):
            if obj.instansi_id != instansi_id:
                raise ValueError("audit_record_many takes the objects of one instansi")
            seq += 1
            event = AuditEvent(
                instansi_id=instansi_id,
                actor=actor,
                actor_label=(str(actor) if actor is not None else "sistem")[:200],
                verb=verb,
                object_type=obj._meta.label_lower,
                object_id=getattr(obj, "public_id", None),
                object_repr=str(obj)[:300],
                before=None,
                after=_stored_json(values),
                seq=seq,
                prev_hash=prev,
                created_at=now,
            )
            event.hash = row_mac(fields_of(event), key)
            prev = event.hash
            events.append(event)
        AuditEvent.unscoped.bulk_create(events, batch_size=1000)
    return events


# The advisory-lock namespace of the audit chain (an arbitrary constant: "ZIau").
CHAIN_LOCK_CLASS = 0x5A496175


def _lock_chain(instansi_id: int) -> tuple[int, str] | None:
    """Serialise appends to one instansi's chain until the end of the current transaction, and read
    the chain's last event (seq, hash) once the lock is held.

    On PostgreSQL both go in one round trip: two statements in one string run one after the other,
    and under READ COMMITTED the second takes its snapshot after the first returned (the lock held),
    so it sees every event committed by the previous holder."""
    if connection.vendor != "postgresql":  # the embedded mode: SQLite serialises writers itself
        return AuditEvent.unscoped.filter(instansi_id=instansi_id).order_by("-seq").values_list("seq", "hash").first()
    # ``zi_audit_head`` (migration 0008) keeps the index plan under row-level security.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s); SELECT seq, hash FROM zi_audit_head(%s)",
            [CHAIN_LOCK_CLASS, instansi_id % 2**31, instansi_id],
        )
        head = cursor.fetchone()
    return (int(head[0]), head[1]) if head is not None else None


def _stored_json(values: Mapping[str, Any] | None) -> Any:
    """The values exactly as jsonb will give them back, so the hash is computed over what is stored."""
    if values is None:
        return None
    return json.loads(json.dumps(_jsonable(dict(values))))


def audit_download(
    *,
    actor: Membership | None,
    verb: str,
    obj: models.Model,
    detail: Mapping[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Record that personal data left ZI (issue 18): a download or an export, by whom, of what.

    Called by the download and export views after the access check and before the response is
    sent; ``detail`` names the format or file (``after``). ``actor`` None: a public link (the
    signer's own pakta PDF, a PortalRB evaluator's evidence link), named by ``actor_label``."""
    return audit_record(
        actor=actor.user if actor is not None else None, verb=verb, obj=obj, after=detail, actor_label=actor_label
    )
