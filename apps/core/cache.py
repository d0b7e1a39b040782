"""Django's Redis cache backend, with one Redis client per connection pool instead of one per call.

``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a new ``redis.Redis`` on every
cache operation, and each one copies redis-py's table of some 170 response callbacks: measurable on
the hottest paths (the PortalRB endpoint makes two or three cache calls per request; issue 9). A
``redis.Redis`` only borrows connections from its pool, is safe to share between threads, and its
pool notices a fork, so one per pool is kept and reused. Everything else is Django's, plus one
atomic counter for rate limits (``incr_window``).
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


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
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient

    def incr_window(self, key: str, timeout: int) -> int:
        """Count one more under ``key`` and return the count; the key is created at 1 and lives
        ``timeout`` seconds from its first count. One round trip (``INCR`` and ``EXPIRE … NX`` in a
        pipeline) where ``add`` + ``incr`` take three: the rate limits count every API call."""
        key = self.make_and_validate_key(key)
        client = self._cache.get_client(key, write=True)
        pipe = client.pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, timeout, nx=True)
        count, _expiry_set = pipe.execute()
        return int(count)
