"""Bearer-token authentication and rate limiting for the PortalRB API.

The token alone says which instansi is asking. It is looked up by its SHA-256 (an indexed,
unique column): the database compares hashes of a 256-bit secret, so timing reveals nothing useful;
the found row's hash is compared again with ``hmac.compare_digest``.
"""

from __future__ import annotations

import hmac
import uuid
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.request import Request

from apps.api.tokens import bearer_digest
from apps.core.cache import count_window
from apps.portalrb.fastpath import pull, token_cached, token_remember
from apps.portalrb.models import PortalRBToken
from apps.portalrb.services import TOKEN_PREFIX
from apps.tenancy.rls import all_tenants

INVALID_TOKEN = _("The PortalRB token is missing, wrong or revoked.")
MALFORMED_HEADER = _("Use the header 'Authorization: Bearer <token>'.")
DEFAULT_RATE = "120/min"


class PortalRBClient:
    """``request.user`` for a PortalRB call: the instansi's client, not a person."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, token: PortalRBToken) -> None:
        self.token = token
        self.instansi = token.instansi

    def __str__(self) -> str:
        return f"PortalRB ({self.instansi})"


def _unit_id(request: Request) -> uuid.UUID | None:
    raw = (getattr(request, "parser_context", None) or {}).get("kwargs", {}).get("unit_id")
    if raw is None:
        return None
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


class PortalRBTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[PortalRBClient, PortalRBToken] | None:
        digest = bearer_digest(request, prefix=TOKEN_PREFIX, malformed=MALFORMED_HEADER, invalid=INVALID_TOKEN)
        if digest is None:
            return None  # → NotAuthenticated (401) from the permission check
        # A valid token from the cache (apps/portalrb/fastpath.py: gone once revoked or its instansi
        # changes), read with the unit's snapshot and the rate counter in one round trip when this
        # process holds the token; else authentication establishes the scope, so this one lookup is
        # by the unique hash, unscoped.
        pulled = pull(digest, _unit_id(request), PortalRBRateThrottle().counter_for)
        request.portalrb_pull = pulled  # the throttle and the view use what it brought
        token = pulled.token if pulled is not None else token_cached(digest)
        if token is None:
            with all_tenants("the bearer token establishes the instansi"):
                token = (
                    PortalRBToken.unscoped.select_related("instansi")
                    .filter(key_hash=digest, revoked_at__isnull=True, instansi__is_active=True)
                    .first()
                )
            if token is not None and hmac.compare_digest(token.key_hash, digest):
                token_remember(digest, token)
        if token is None or not hmac.compare_digest(token.key_hash, digest):
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        return PortalRBClient(token), token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="portalrb"'


class HasPortalRBToken(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, PortalRBToken)


class PortalRBRateThrottle(throttling.SimpleRateThrottle):
    """Per token; the rate is ``ZI_PORTALRB_RATE`` (default 120/min).

    A fixed-window counter (one atomic Redis ``INCR`` per call), not DRF's sliding window: that one
    reads and rewrites the list of every call's timestamp in the window on each call, so its cost
    grows with the rate (issue 9: at PortalRB's bulk pulls, thousands of entries per call). A
    window boundary may let up to twice the rate through in a short burst; the limit is there
    against a runaway client, not for accounting."""

    scope = "portalrb"

    def get_rate(self) -> str:
        return str(getattr(settings, "ZI_PORTALRB_RATE", DEFAULT_RATE))

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return _throttle_key(request.auth) if isinstance(request.auth, PortalRBToken) else None

    def counter_for(self, token: PortalRBToken) -> tuple[str, int]:
        """The counter of ``token``'s current window, and how long it lives."""
        return f"{_throttle_key(token)}:{int(self.timer() // self.duration)}", self.duration + 1

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        counter = f"{key}:{window}"
        pulled = getattr(request, "portalrb_pull", None)
        if pulled is not None and pulled.counter == counter:
            count = pulled.count  # counted in the authentication's round trip (apps/portalrb/fastpath.py)
        else:
            count = count_window(self.cache, counter, self.duration + 1)
        self.wait_seconds = (window + 1) * self.duration - now
        return count <= self.num_requests

    def wait(self) -> float:
        return max(1.0, self.wait_seconds)


def _throttle_key(token: PortalRBToken) -> str:
    # Cache keys start with the instansi (DESIGN §4).
    return f"instansi:{token.instansi_id}:portalrb:throttle:{token.pk}"
