"""The unread count of the top bar, from the shared cache (issue 22: every signed-in page showed it
with a COUNT query of its own).

One entry per (instansi, user), written on a miss and deleted whenever an in-app notification of that
user is created, read or deleted: by the ``Notification`` signals below for single rows, and by
:func:`unread_forget` for bulk writes that bypass signals (the reminder sweep's ``bulk_create``).
Deletion happens at once and again after the transaction commits, so a page that counted between
the write and the commit cannot leave the old count cached. While Redis is unreachable the cache is
bypassed (the local fallback of one process would not see another's deletions), and an entry
expires after ``UNREAD_CACHE_SECONDS`` anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from apps.core.cache import cache_unavailable
from apps.notifications.models import Channel

UNREAD_CACHE_SECONDS = 300


def _key(instansi_id: int, user_id: int) -> str:
    return f"zi:unread:{settings.DATABASES['default']['NAME']}:{instansi_id}:{user_id}"


def unread_cached(*, instansi_id: int, user_id: int, count: Callable[[], int]) -> int:
    """The cached count, or ``count()`` stored for the next page."""
    if cache_unavailable():
        return count()
    key = _key(instansi_id, user_id)
    value = cache.get(key)
    if value is None:
        value = count()
        if not cache_unavailable():
            cache.set(key, value, UNREAD_CACHE_SECONDS)
    return int(value)


def unread_forget(*, instansi_id: int, user_ids: Iterable[int]) -> None:
    """Delete the counts of these users, now and after the current transaction commits."""
    keys = [_key(instansi_id, user_id) for user_id in set(user_ids)]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def notification_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``post_save``/``post_delete`` of a Notification: its recipient's count is stale."""
    if instance.channel == Channel.IN_APP and instance.instansi_id is not None and instance.recipient_id is not None:
        unread_forget(instansi_id=instance.instansi_id, user_ids=[instance.recipient_id])
