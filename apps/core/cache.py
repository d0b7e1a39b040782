"""Django's Redis cache backend, with one Redis client per connection pool instead of one per call.

``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a new ``redis.Redis`` on every
cache operation, and each one copies redis-py's table of some 170 response callbacks: measurable on
the hottest paths (the PortalRB endpoint makes two or three cache calls per request; issue 9). A
``redis.Redis`` only borrows connections from its pool, is safe to share between threads, and its
pool notices a fork, so one per pool is kept and reused. Everything else is Django's, plus one
atomic counter for rate limits (``incr_window``).

**Redis down degrades, never crashes** (issue 19, docs/operations.md "Redis down"). Every cache call
that meets a connection error or a timeout is answered by a local-memory cache of this process
instead, and for ``DEGRADED_SECONDS`` the process does not try Redis again (so no request waits on a
dead server twice in a row). What that means for the callers:

* rate limits (allauth's login throttle, PortalRB's per-token limit, the survey throttle, and any
  ``incr_window`` user) keep counting, **per process**: with N web processes a client gets at most
  N times the rate until Redis is back — still bounded, never unlimited and never a 500;
* cached values are recomputed (a miss), which costs time, not correctness;
* :func:`cache_unavailable` says so, for the page banner and the health endpoint.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import redis
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger("zi.cache")

DEGRADED_SECONDS = 5.0
# A dead or unreachable Redis must fail fast: a request waits at most this long for it.
TIMEOUTS = {"socket_connect_timeout": 1.0, "socket_timeout": 2.0}
REDIS_DOWN = (redis.ConnectionError, redis.TimeoutError)

# Per server (Django keeps one cache object per thread): until when Redis is treated as down.
_down_until: dict[str, float] = {}
_state_lock = threading.Lock()
# Per server: when Redis last answered a call of this process (time.monotonic()); and per thread,
# when the request it serves began (``request_started``, connected in CoreConfig.ready).
_answered_at: dict[str, float] = {}
_request = threading.local()


def request_began(**kwargs: Any) -> None:
    _request.began = time.monotonic()


def cache_unavailable() -> bool:
    """Whether this process is answering cache calls locally because Redis is unreachable."""
    now = time.monotonic()
    return any(until > now for until in _down_until.values())


class SharedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class SharedClientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = {**params, "OPTIONS": {**TIMEOUTS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self._server_key = str(server)
        # LocMemCache instances with one name share their storage: one fallback per process.
        self._fallback = LocMemCache(f"zi-redis-fallback:{server}", {**params, "OPTIONS": {"MAX_ENTRIES": 10000}})

    def _degradable(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if _down_until.get(self._server_key, 0.0) > time.monotonic():
            return getattr(self._fallback, name)(*args, **kwargs)
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except REDIS_DOWN as exc:
            self._mark_down(exc)
            return getattr(self._fallback, name)(*args, **kwargs)
        _answered_at[self._server_key] = time.monotonic()
        return result

    def answered_this_request(self) -> bool:
        """Whether Redis answered a call since the current request began (the page banner's probe is
        then redundant: loading the session of this request just reached it)."""
        began = getattr(_request, "began", None)
        return began is not None and _answered_at.get(self._server_key, float("-inf")) >= began

    def _mark_down(self, exc: Exception) -> None:
        with _state_lock:
            first = _down_until.get(self._server_key, 0.0) <= time.monotonic()
            _down_until[self._server_key] = time.monotonic() + DEGRADED_SECONDS
        if first:
            logger.warning("Redis unreachable (%s): cache and rate limits run per process", exc)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._degradable("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._degradable("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._degradable("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        return self._degradable("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._degradable("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._degradable("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        return self._degradable("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        return self._degradable("incr", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._degradable("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._degradable("delete_many", *args, **kwargs)

    def incr_window(self, key: str, timeout: int) -> int:
        """Count one more under ``key`` and return the count; the key is created at 1 and lives
        ``timeout`` seconds from its first count. One round trip (``INCR`` and ``EXPIRE … NX`` in a
        pipeline) where ``add`` + ``incr`` take three: the rate limits count every API call. With
        Redis down, the count is this process's (see the module docstring)."""
        if _down_until.get(self._server_key, 0.0) > time.monotonic():
            return self._local_incr_window(key, timeout)
        try:
            count = self._redis_incr_window(key, timeout)
            _answered_at[self._server_key] = time.monotonic()
            return count
        except REDIS_DOWN as exc:
            self._mark_down(exc)
            return self._local_incr_window(key, timeout)

    def get_many_and_incr_window(self, keys: list[str], counter: str, timeout: int) -> tuple[dict[str, Any], int]:
        """``get_many(keys)`` and ``incr_window(counter, timeout)`` in ONE round trip (a pipeline of
        ``MGET``, ``INCR`` and ``EXPIRE … NX``): PortalRB's pull reads its token, its snapshot and its
        rate counter at once (issue 22). With Redis down, both are this process's."""
        if _down_until.get(self._server_key, 0.0) > time.monotonic():
            return self._fallback.get_many(keys), self._local_incr_window(counter, timeout)
        try:
            found = self._redis_get_many_and_incr_window(keys, counter, timeout)
            _answered_at[self._server_key] = time.monotonic()
            return found
        except REDIS_DOWN as exc:
            self._mark_down(exc)
            return self._fallback.get_many(keys), self._local_incr_window(counter, timeout)

    def _redis_get_many_and_incr_window(
        self, keys: list[str], counter: str, timeout: int
    ) -> tuple[dict[str, Any], int]:
        made = {self.make_and_validate_key(key): key for key in keys}
        counter_key = self.make_and_validate_key(counter)
        client = self._cache.get_client(counter_key, write=True)
        pipe = client.pipeline(transaction=False)
        pipe.mget(list(made))
        pipe.incr(counter_key)
        pipe.expire(counter_key, timeout, nx=True)
        raw, count, _expiry_set = pipe.execute()
        loads = self._cache._serializer.loads
        values = {key: loads(value) for key, value in zip(made.values(), raw, strict=True) if value is not None}
        return values, int(count)

    def _local_incr_window(self, key: str, timeout: int) -> int:
        if self._fallback.add(key, 1, timeout):
            return 1
        try:
            return int(self._fallback.incr(key))
        except ValueError:  # expired between the two calls
            self._fallback.set(key, 1, timeout)
            return 1

    def _redis_incr_window(self, key: str, timeout: int) -> int:
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)
        pipe = client.pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, timeout, nx=True)
        count, _expiry_set = pipe.execute()
        return int(count)


def count_window(backend: Any, counter: str, timeout: int) -> int:
    """One more under ``counter`` (created at 1, living ``timeout`` seconds), on any cache: ZI's Redis
    cache counts in one round trip; other caches (the embedded mode's) with ``add`` then ``incr``."""
    incr_window = getattr(backend, "incr_window", None)
    if incr_window is not None:
        return int(incr_window(counter, timeout))
    if backend.add(counter, 1, timeout):
        return 1
    try:
        return int(backend.incr(counter))
    except ValueError:  # expired between the two calls: this call opens it again
        backend.add(counter, 1, timeout)
        return 1


def get_many_and_count(backend: Any, keys: list[str], counter: str, timeout: int) -> tuple[dict[str, Any], int]:
    """``get_many`` and ``count_window`` together: one round trip on ZI's Redis cache, two elsewhere."""
    both = getattr(backend, "get_many_and_incr_window", None)
    if both is not None:
        values, count = both(keys, counter, timeout)
        return values, int(count)
    return backend.get_many(keys), count_window(backend, counter, timeout)
