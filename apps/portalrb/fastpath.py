"""PortalRB's hottest path from the cache (issue 22: ``jawaban-unit`` served a tenth of the floor's
requests/s for a body that was already cached).

Two lookups that cost a query each on every call move to the shared cache, each with its own
invalidation:

* **the token** (by the SHA-256 of the bearer secret, positive answers only: a wrong token always
  asks the database): deleted when the token row is saved or deleted (revocation) and when its
  instansi is saved (deactivation);
* **the unit's current snapshot** (its id and hash, which name the cached body): stored under a
  per-instansi generation, and the generation moves on whenever a proposal, a snapshot, a unit or
  a cycle of the instansi is saved or deleted — one ``MGET`` reads the generation and the entry
  together, so an entry of an older generation is never used.

Both are bypassed while Redis is unreachable (``apps.core.cache``): the local fallback of one
process would not see another's invalidation. The database stays the truth: a miss reads it
exactly as before (``portalrb_snapshot_for_unit``), and the fetch log and rate limit are untouched.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from apps.core.cache import cache_unavailable
from apps.pengusulan.models import Pengusulan, PengusulanSnapshot
from apps.portalrb.models import PortalRBToken
from apps.tenancy.models import Instansi
from apps.unit_kerja.models import Cycle, UnitKerja

TOKEN_SECONDS = 300
SNAPSHOT_SECONDS = 3600


def _token_key(digest: str) -> str:
    return f"portalrb:token:{digest}"


def token_cached(digest: str) -> Any | None:
    if cache_unavailable():
        return None
    return cache.get(_token_key(digest))


def token_remember(digest: str, token: Any) -> None:
    if not cache_unavailable():
        cache.set(_token_key(digest), token, TOKEN_SECONDS)


def _token_forget(digests: list[str]) -> None:
    keys = [_token_key(d) for d in digests if d]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def _generation_key(instansi_id: int) -> str:
    return f"instansi:{instansi_id}:portalrb:generation"


def _snapshot_key(instansi_id: int, unit_id: uuid.UUID) -> str:
    return f"instansi:{instansi_id}:portalrb:current:{unit_id}"


def snapshot_cached(instansi_id: int, unit_id: uuid.UUID) -> tuple[int, str] | None:
    """``(snapshot id, sha256)`` of the unit's current snapshot, when cached in this generation."""
    if cache_unavailable():
        return None
    generation_key, key = _generation_key(instansi_id), _snapshot_key(instansi_id, unit_id)
    found = cache.get_many([generation_key, key])
    entry = found.get(key)
    if entry is None or generation_key not in found or entry[0] != found[generation_key]:
        return None
    return entry[1], entry[2]


def snapshot_remember(instansi_id: int, unit_id: uuid.UUID, snapshot_id: int, sha256: str) -> None:
    """Remember under the current generation (one is created when none exists yet). A generation
    read before a concurrent change and written after it is harmless: the change moved it on."""
    if cache_unavailable():
        return
    generation_key = _generation_key(instansi_id)
    generation = cache.get(generation_key)
    if generation is None:
        generation = uuid.uuid4().hex
        if not cache.add(generation_key, generation, None):
            generation = cache.get(generation_key)
            if generation is None:
                return
    cache.set(_snapshot_key(instansi_id, unit_id), (generation, snapshot_id, sha256), SNAPSHOT_SECONDS)


def snapshots_forget(instansi_id: int | None) -> None:
    """Every cached current snapshot of the instansi is stale: a new generation, now and after commit."""
    if instansi_id is None:
        return

    def move_on() -> None:
        cache.set(_generation_key(instansi_id), uuid.uuid4().hex, None)

    move_on()
    transaction.on_commit(move_on)


def connect_signals() -> None:
    """Connected in ``PortalRBConfig.ready``."""

    def token_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
        _token_forget([instance.key_hash])

    def instansi_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
        _token_forget(list(PortalRBToken.unscoped.filter(instansi_id=instance.pk).values_list("key_hash", flat=True)))
        snapshots_forget(instance.pk)

    def instansi_row_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
        snapshots_forget(instance.instansi_id)

    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(token_changed, sender=PortalRBToken, weak=False, dispatch_uid=f"portalrb-token-{name}")
        signal.connect(instansi_changed, sender=Instansi, weak=False, dispatch_uid=f"portalrb-instansi-{name}")
        for model in (Pengusulan, PengusulanSnapshot, UnitKerja, Cycle):
            uid = f"portalrb-{model._meta.label}-{name}"
            signal.connect(instansi_row_changed, sender=model, weak=False, dispatch_uid=uid)
