"""Bearer-token authentication and rate limiting for the PortalRB API.

The token alone says which instansi is asking. It is looked up by its SHA-256 (an indexed,
unique column): the database compares hashes of a 256-bit secret, so timing reveals nothing useful;
the found row's hash is compared again with ``hmac.compare_digest``.
"""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.request import Request

from apps.api.tokens import bearer_digest
from apps.portalrb.fastpath import token_cached, token_remember
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


class PortalRBTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[PortalRBClient, PortalRBToken] | None:
        digest = bearer_digest(request, prefix=TOKEN_PREFIX, malformed=MALFORMED_HEADER, invalid=INVALID_TOKEN)
        if digest is None:
            return None  # → NotAuthenticated (401) from the permission check
        # A valid token from the cache (apps/portalrb/fastpath.py: gone once revoked or its instansi
        # changes); else authentication establishes the scope, so this one lookup is by the unique
        # hash, unscoped.
        token = token_cached(digest)
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
        if not isinstance(request.auth, PortalRBToken):
            return None
        # Cache keys start with the instansi (DESIGN §4).
        return f"instansi:{request.auth.instansi_id}:portalrb:throttle:{request.auth.pk}"

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        counter = f"{key}:{window}"
        # ``add`` creates the window's counter (expiring with it); otherwise count atomically.
        incr_window = getattr(self.cache, "incr_window", None)  # ZI's Redis cache: one round trip
        if incr_window is not None:
            count = incr_window(counter, self.duration + 1)
        elif self.cache.add(counter, 1, self.duration + 1):  # other caches (the embedded mode)
            count = 1
        else:
            try:
                count = self.cache.incr(counter)
            except ValueError:  # expired between the two calls: this call opens it again
                count = 1
                self.cache.add(counter, 1, self.duration + 1)
        self.wait_seconds = (window + 1) * self.duration - now
        return count <= self.num_requests

    def wait(self) -> float:
        return max(1.0, self.wait_seconds)
