"""Enqueueing through the transactional outbox, and the relay that publishes to Celery.

Why an outbox (issue 8 item 8, ASVS V16.5): ``delay_on_commit`` publishes after the commit, so with
Redis down the user's action was saved but its work was lost (and the request failed after its
commit). Now the task is a row written in the user's own transaction: it exists exactly when the
action does. Publishing is attempted right after the commit (``on_commit``) and again by the beat
relay every few seconds; each attempt first claims the row with a conditional UPDATE (a short
lease), publishes, then marks it sent. A broker outage only delays the work; the consumers are
idempotent (DESIGN §8), so the rare repeat after a relay crash changes nothing.

Every ``delay_on_commit`` / ``apply_async_on_commit`` of a ZI task goes through here
(:class:`apps.outbox.tasks.OutboxTask`, the base of ``TenantTask``).
"""

from __future__ import annotations

import datetime
import enum
import logging
import time
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from celery import current_app
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.outbox.models import OutboxMessage

logger = logging.getLogger("zi.outbox")

LEASE = datetime.timedelta(seconds=60)
KEEP_SENT = datetime.timedelta(days=7)
BATCH = 200
RELAY_BUDGET_SECONDS = 50.0
# Only options that survive JSON; an eta (a datetime) would need its own column.
ALLOWED_OPTIONS = frozenset({"queue", "countdown", "priority", "expires"})
REPR_LENGTH = 200


class Outcome(enum.Enum):
    SENT = "sent"
    BUSY = "busy"  # already sent, or claimed by another relay
    FAILED = "failed"  # the broker refused or is unreachable: the row stays queued


def outbox_enqueue(
    task_name: str,
    *,
    args: Sequence[Any] = (),
    kwargs: Mapping[str, Any] | None = None,
    options: Mapping[str, Any] | None = None,
) -> OutboxMessage:
    """Record one task in the current transaction; try to publish it as soon as that commits."""
    options = dict(options or {})
    unknown = set(options) - ALLOWED_OPTIONS
    if unknown:
        raise TypeError(f"outbox tasks take only {sorted(ALLOWED_OPTIONS)} as options, not {sorted(unknown)}")
    message = OutboxMessage.objects.create(
        task_name=task_name, args=list(args), kwargs=dict(kwargs or {}), options=options
    )
    # robust: a failure here is logged, never raised into the request whose data is already committed.
    transaction.on_commit(partial(outbox_relay_one, message.pk), robust=True)
    return message


def outbox_enqueue_many(task_name: str, *, kwargs_list: Sequence[Mapping[str, Any]]) -> list[OutboxMessage]:
    """``outbox_enqueue`` of many messages of one task in one bulk insert (a sweep's fan-out)."""
    messages = OutboxMessage.objects.bulk_create(
        [OutboxMessage(task_name=task_name, args=[], kwargs=dict(kwargs), options={}) for kwargs in kwargs_list],
        batch_size=1000,
    )
    transaction.on_commit(partial(_relay_many, [m.pk for m in messages]), robust=True)
    return messages


def _relay_many(message_ids: list[int]) -> None:
    """Relay freshly committed rows over ONE broker connection (not one per message); at the first
    broker failure the rest stay queued for the beat relay."""
    if not message_ids:
        return
    with _broker_connection() as connection:
        for start in range(0, len(message_ids), BATCH):
            _sent, failed = outbox_relay_batch(message_ids[start : start + BATCH], connection=connection)
            if failed:
                return


def _claimable(now: datetime.datetime) -> Q:
    return Q(sent_at__isnull=True) & (Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))


def _broker_connection() -> Any:
    """A connection that fails at once when the broker is down (kombu would otherwise retry for the
    connect timeout on every publish, holding up the request that just committed): the outbox row
    is the retry."""
    return current_app.connection_for_write(transport_options={"max_retries": 0}, connect_timeout=2)


def _publish(message: OutboxMessage, connection: Any) -> None:
    app = current_app
    options = {
        **message.options,
        "task_id": f"outbox-{message.pk}",
        "retry": False,
        "connection": connection,
        # Celery's own repr of the arguments (``saferepr``, for logs and monitors) costs more than
        # the publish itself for a sweep's fan-out; the plain repr, cut short, says as much.
        "argsrepr": repr(message.args)[:REPR_LENGTH],
        "kwargsrepr": repr(message.kwargs)[:REPR_LENGTH],
    }
    task = app.tasks.get(message.task_name)
    if task is not None:
        task.apply_async(args=message.args, kwargs=message.kwargs, **options)
    else:
        app.send_task(message.task_name, args=message.args, kwargs=message.kwargs, **options)


def outbox_relay_one(message_id: int, *, connection: Any = None) -> Outcome:
    """Claim, publish and mark one row (``outbox_relay_batch`` of one). Never raises: the row stays
    queued on any failure."""
    if connection is None:
        with _broker_connection() as own:
            return outbox_relay_one(message_id, connection=own)
    published, failed = outbox_relay_batch([message_id], connection=connection)
    if failed:
        return Outcome.FAILED
    return Outcome.SENT if published else Outcome.BUSY


def outbox_relay_batch(message_ids: list[int], *, connection: Any) -> tuple[int, bool]:
    """Relay rows with a fixed number of statements whatever their number (issue 9: a sweep fans
    out thousands of tasks): the rows still claimable are locked and claimed together (rows another
    relay holds are skipped), published one by one over ``connection``, and marked sent together.
    At the first broker failure the unpublished rows are released for the next relay. Returns (how
    many were published, whether the broker failed). Never raises."""
    now = timezone.now()
    with transaction.atomic():
        messages = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(_claimable(now), pk__in=message_ids)
            .order_by("id")
        )
        OutboxMessage.objects.filter(pk__in=[m.pk for m in messages]).update(
            claimed_until=now + LEASE, attempts=F("attempts") + 1
        )
    published: list[int] = []
    failed = False
    for index, message in enumerate(messages):
        try:
            _publish(message, connection)
        except Exception as exc:
            if current_app.conf.task_always_eager:
                # The embedded mode runs the task in-process: this is the task's own failure, not
                # the broker's. It ran; do not run it again.
                logger.exception("outbox: task %s (#%s) failed in-process", message.task_name, message.pk)
            else:
                OutboxMessage.objects.filter(pk__in=[m.pk for m in messages[index:]], sent_at__isnull=True).update(
                    claimed_until=None, last_error=f"{type(exc).__name__}: {exc}"[:500]
                )
                logger.warning("outbox: broker unavailable, %s tasks stay queued: %s", len(messages) - index, exc)
                failed = True
                break
        published.append(message.pk)
    OutboxMessage.objects.filter(pk__in=published, sent_at__isnull=True).update(
        sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return len(published), failed


def outbox_relay_pending(*, budget_seconds: float = RELAY_BUDGET_SECONDS) -> int:
    """Publish every queued row, oldest first; stop at the first broker failure. Returns the count sent.

    Run by beat (``apps.outbox.tasks.outbox_relay``) and by ``manage.py outbox_relay``. Two relays at
    once are safe: each row is claimed by one of them.
    """
    sent = 0
    deadline = time.monotonic() + budget_seconds
    with _broker_connection() as connection:
        while time.monotonic() < deadline:
            ids = list(
                OutboxMessage.objects.filter(_claimable(timezone.now()))
                .order_by("id")
                .values_list("id", flat=True)[:BATCH]
            )
            published, failed = outbox_relay_batch(ids, connection=connection)
            sent += published
            if failed:
                return sent  # the broker is down: the next run tries again
            if len(ids) < BATCH:
                break
    _forget_sent()
    return sent


def _forget_sent() -> None:
    """Sent rows are kept a week (to trace a task back to its action), then deleted in batches."""
    old = OutboxMessage.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).order_by("id").values("id")[:5000]
    OutboxMessage.objects.filter(id__in=list(old.values_list("id", flat=True))).delete()


def outbox_pending_count() -> int:
    return OutboxMessage.objects.filter(sent_at__isnull=True).count()
