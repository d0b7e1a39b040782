"""PortalRB's hottest path from the cache (issue 22: ``jawaban-unit`` served a tenth of the floor's
requests/s for a body that was already cached).

Two lookups that cost a query each on every call move to the shared cache, each with its own
invalidation:

* **the token** (by the SHA-256 of the bearer secret, positive answers only: a wrong token always
  asks the database): the shared cache holds a stamp, deleted when the token row is saved or deleted
  (revocation) and when its instansi is saved (deactivation); each process keeps the token object
  under the stamp it saw and uses it only while the shared cache still holds that stamp;
* **the unit's current snapshot** (its id and hash, which name the cached body): stored under a
  per-instansi generation, and the generation moves on whenever a proposal, a snapshot, a unit or
  a cycle of the instansi is saved or deleted — one ``MGET`` reads the generation and the entry
  together, so an entry of an older generation is never used.

For a token this process holds, ``pull`` reads the stamp, the snapshot entry with its generation
and counts the call's rate window in ONE round trip (``apps.core.cache.get_many_and_count``).

Both are bypassed while Redis is unreachable (``apps.core.cache``): the local fallback of one
process would not see another's invalidation. The database stays the truth: a miss reads it
exactly as before (``portalrb_snapshot_for_unit``), and the fetch log and rate limit are untouched.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from apps.core.cache import cache_unavailable, get_many_and_count
from apps.pengusulan.models import Pengusulan, PengusulanSnapshot
from apps.portalrb.models import PortalRBToken
from apps.tenancy.models import Instansi
from apps.unit_kerja.models import Cycle, UnitKerja

TOKEN_SECONDS = 300
SNAPSHOT_SECONDS = 3600


def _token_key(digest: str) -> str:
    return f"portalrb:token:{digest}"


# This process's tokens by digest, each with the stamp it was confirmed under. The shared cache holds
# the stamp alone: a token is used from here only while the shared cache still holds the same stamp
# (read in the pull's one round trip), so a revocation seen by any process is seen by all.
_LOCAL_TOKENS: dict[str, tuple[str, PortalRBToken]] = {}
_LOCAL_TOKENS_MAX = 4096


def token_cached(digest: str) -> PortalRBToken | None:
    """The token, when this process holds it under the stamp the shared cache holds (two round trips
    are saved by ``pull`` instead, which reads the stamp with the rest)."""
    if cache_unavailable():
        return None
    local = _LOCAL_TOKENS.get(digest)
    if local is None or cache.get(_token_key(digest)) != local[0]:
        return None
    return local[1]


def token_remember(digest: str, token: PortalRBToken) -> None:
    """After the database found ``token`` valid: keep it here under the shared stamp (a new one when
    none is set; the one another process set otherwise, so processes do not displace each other)."""
    if cache_unavailable():
        return
    key = _token_key(digest)
    stamp = uuid.uuid4().hex
    if not cache.add(key, stamp, TOKEN_SECONDS):
        current = cache.get(key)
        if not isinstance(current, str):
            return
        stamp = current
    if len(_LOCAL_TOKENS) >= _LOCAL_TOKENS_MAX:
        _LOCAL_TOKENS.clear()
    _LOCAL_TOKENS[digest] = (stamp, token)


def _token_forget(digests: list[str]) -> None:
    keys = [_token_key(d) for d in digests if d]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


@dataclass(frozen=True)
class Pull:
    """What one round trip to the shared cache brought for a PortalRB call: the token (None: not
    confirmed, ask the database), the unit's current snapshot (None: not cached), and the rate
    counter already counted for this call with its count."""

    token: PortalRBToken | None
    snapshot: tuple[int, str] | None
    counter: str
    count: int


def pull(
    digest: str, unit_id: uuid.UUID | None, counter_for: Callable[[PortalRBToken], tuple[str, int]]
) -> Pull | None:
    """Token, snapshot and rate counter in ONE round trip (issue 22: three before), for a token this
    process already holds. ``counter_for(token)`` names the rate counter and its lifetime. None when
    this process holds no such token or the shared cache is unreachable: then the calls go one by one.

    The counter counts even when the token turns out revoked: that call is refused (401) anyway."""
    local = _LOCAL_TOKENS.get(digest)
    if local is None or cache_unavailable():
        return None
    stamp, token = local
    token_key = _token_key(digest)
    keys = [token_key]
    if unit_id is not None:
        keys += [_generation_key(token.instansi_id), _snapshot_key(token.instansi_id, unit_id)]
    counter, timeout = counter_for(token)
    found, count = get_many_and_count(cache, keys, counter, timeout)
    snapshot = _snapshot_of(found, keys[1], keys[2]) if unit_id is not None else None
    return Pull(token=token if found.get(token_key) == stamp else None, snapshot=snapshot, counter=counter, count=count)


def _generation_key(instansi_id: int) -> str:
    return f"instansi:{instansi_id}:portalrb:generation"


def _snapshot_key(instansi_id: int, unit_id: uuid.UUID) -> str:
    return f"instansi:{instansi_id}:portalrb:current:{unit_id}"


def snapshot_cached(instansi_id: int, unit_id: uuid.UUID) -> tuple[int, str] | None:
    """``(snapshot id, sha256)`` of the unit's current snapshot, when cached in this generation."""
    if cache_unavailable():
        return None
    generation_key, key = _generation_key(instansi_id), _snapshot_key(instansi_id, unit_id)
    return _snapshot_of(cache.get_many([generation_key, key]), generation_key, key)


def _snapshot_of(found: dict[str, Any], generation_key: str, key: str) -> tuple[int, str] | None:
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
