"""Sessions in the database, read through the shared cache (issue 22): a signed-in request reads its
session with one cache round trip instead of a query.

Django's ``cached_db`` store, with two limits of our own:

* while Redis is unreachable (``apps.core.cache``) the cache is not used at all — a logout noted only
  in one process's local fallback must not leave the session alive in the others;
* a cached copy lives at most ``ZI_SESSION_CACHE_SECONDS``, then the row is read again: a deletion
  lost in an outage cannot keep a session alive for its whole age.

The database row stays the truth: ``clearsessions``, expiry and logout work as before.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import cached_db, db

from apps.core.cache import cache_unavailable


class SessionStore(cached_db.SessionStore):
    def _cache_usable(self) -> bool:
        return not cache_unavailable()

    def _cache_seconds(self, **kwargs: Any) -> int:
        return max(1, min(self.get_expiry_age(**kwargs), settings.ZI_SESSION_CACHE_SECONDS))

    def load(self) -> dict[str, Any]:
        data = None
        if self._cache_usable():
            try:
                data = self._cache.get(self.cache_key)
            except Exception:  # an unreadable entry: read the row
                data = None
        if data is not None:
            return data
        row = self._get_session_from_db()
        if not row:
            return {}
        data = self.decode(row.session_data)
        if self._cache_usable():
            self._cache.set(self.cache_key, data, self._cache_seconds(expiry=row.expire_date))
        return data

    def exists(self, session_key: str | None) -> bool:
        if not session_key:
            return False
        if self._cache_usable() and (self.cache_key_prefix + session_key) in self._cache:
            return True
        return db.SessionStore.exists(self, session_key)

    def save(self, must_create: bool = False) -> None:
        db.SessionStore.save(self, must_create)
        if self._cache_usable():
            self._cache.set(self.cache_key, self._session, self._cache_seconds())
