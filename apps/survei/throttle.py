"""Rate limit per address for the public survey pages: a window counter in Django's cache
(Redis in production and tests).

Rates are ``"<count>/<period>"`` with period ``s``, ``m``, ``h`` or ``d``, from the settings
``ZI_SURVEI_RATE`` (answers sent, default 20 per hour) and ``ZI_SURVEI_VIEW_RATE`` (pages opened,
default 120 per hour). The key holds a hash of the address, never the address itself, and expires
with its window. It is not tenant data (one address is limited across every instansi's links), so
it does not start with an instansi.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
DEFAULT_RATES = {"submit": "20/h", "view": "120/h"}
_SETTINGS = {"submit": "ZI_SURVEI_RATE", "view": "ZI_SURVEI_VIEW_RATE"}


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, period = rate.partition("/")
    return int(count), _PERIODS[period.strip()[:1]]


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR: behind a reverse proxy, the proxy must pass the client's address there
    # (README "Survei mandiri"); a forwarded header is never trusted on its own.
    return request.META.get("REMOTE_ADDR") or "unknown"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends


def hit(request: HttpRequest, bucket: str) -> Verdict:
    """Count one request of the address in ``bucket``; refuse beyond the rate.

    The window starts at the address's first request and lasts one period (so a burst is never
    split across a clock boundary); both keys expire with it.
    """
    limit, period = parse_rate(getattr(settings, _SETTINGS[bucket], DEFAULT_RATES[bucket]))
    now = int(time.time())
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:24]
    key = f"survei:ratelimit:{bucket}:{address}"
    if cache.add(key, 0, timeout=period):
        cache.set(f"{key}:start", now, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this is the window's first request
        cache.set(key, 1, timeout=period)
        cache.set(f"{key}:start", now, timeout=period)
        count = 1
    start = cache.get(f"{key}:start", now)
    return Verdict(allowed=count <= limit, retry_after=max(1, start + period - now))
