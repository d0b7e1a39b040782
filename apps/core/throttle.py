"""A fixed-window counter in Django's cache, for limits that are not tied to a login or a token
(issue 18: NIP attempts on a public signing link). The same counting as the PortalRB throttle
(``apps.portalrb.auth``): ``apps.core.cache.count_window``, one atomic ``incr_window`` on ZI's Redis
cache, ``add``/``incr`` elsewhere.

Rates are ``"<count>/<period>"`` (``s``, ``m``, ``h``, ``d``). Keys hold hashes, never the raw
token or address. A cache that cannot be reached does not block the page (the limit is a brake on
guessing, the link itself stays the credential): the attempt is allowed and a warning logged.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from django.core.cache import cache

from apps.core.cache import count_window

logger = logging.getLogger(__name__)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the window ends


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, period = rate.partition("/")
    return int(count), _PERIODS[period.strip()[:1]]


def hashed(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:24]


def window_hit(key: str, rate: str) -> Verdict:
    """Count one hit on ``key``; refuse beyond ``rate`` until the window ends."""
    limit, period = parse_rate(rate)
    now = int(time.time())
    window = now // period
    counter = f"{key}:{window}"
    try:
        count = count_window(cache, counter, period + 1)
    except Exception:  # the cache is down: never a 500, never a locked-out signer
        logger.warning("rate limit %s not counted: the cache is unreachable", key.split(":")[0], exc_info=True)
        return Verdict(allowed=True, retry_after=0)
    return Verdict(allowed=count <= limit, retry_after=max(1, (window + 1) * period - now))


def window_peek(key: str, rate: str) -> Verdict:
    """Whether ``key`` is already at ``rate`` in this window, without counting a hit (a limit that
    counts only failures: peek first, ``window_hit`` after a failure)."""
    limit, period = parse_rate(rate)
    now = int(time.time())
    window = now // period
    try:
        count = int(cache.get(f"{key}:{window}") or 0)
    except Exception:  # the cache is down: never a 500, never a locked-out signer
        logger.warning("rate limit %s not read: the cache is unreachable", key.split(":")[0], exc_info=True)
        return Verdict(allowed=True, retry_after=0)
    return Verdict(allowed=count < limit, retry_after=max(1, (window + 1) * period - now))
