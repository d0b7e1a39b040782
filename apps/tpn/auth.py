"""Personal bearer tokens for ``/api/v1/`` (national users only).

The token is looked up by its SHA-256 (unique column), then compared again in constant time.
A token whose user is no longer an active national member, or has no second factor, is refused
with 403: the accounts are MFA-protected, and a token must not outlive that protection.
"""

from __future__ import annotations

import hmac
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request

from apps.api.tokens import bearer_digest
from apps.portalrb.auth import PortalRBRateThrottle
from apps.tenancy.models import Membership
from apps.tenancy.roles import NATIONAL_ROLES, Cap
from apps.tpn.models import ApiToken
from apps.tpn.services import TOKEN_PREFIX, api_token_touch

INVALID_TOKEN = _("The API token is missing, wrong or revoked.")
MALFORMED_HEADER = _("Use the header 'Authorization: Bearer <token>'.")
DEFAULT_NATIONAL_RATE = "120/min"
NOT_NATIONAL = _("This API is for active KemenPANRB and TPN accounts with two-factor authentication.")


class NationalTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        digest = bearer_digest(request, prefix=TOKEN_PREFIX, malformed=MALFORMED_HEADER, invalid=INVALID_TOKEN)
        if digest is None:
            return None  # → NotAuthenticated (401) from the permission check
        token = ApiToken.objects.select_related("user").filter(key_hash=digest, revoked_at__isnull=True).first()
        if token is None or not hmac.compare_digest(token.key_hash, digest) or not token.user.is_active:
            raise exceptions.AuthenticationFailed(INVALID_TOKEN)
        api_token_touch(token=token)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api-v1"'


def national_membership(user: Any) -> Membership | None:
    """The user's active national membership (KemenPANRB admin first), or None."""
    rows = Membership.objects.filter(user=user, is_active=True, role__in=sorted(NATIONAL_ROLES)).order_by("role")
    return next((m for m in rows if m.can(Cap.NATIONAL_VIEW)), None)


class IsNationalMember(permissions.BasePermission):
    message = NOT_NATIONAL

    def has_permission(self, request: Request, view: Any) -> bool:
        if not isinstance(request.auth, ApiToken):
            return False
        membership = national_membership(request.user)
        if membership is None or not is_mfa_enabled(request.user, ["totp"]):
            return False
        view.membership = membership
        return True


class NationalRateThrottle(PortalRBRateThrottle):
    """``/api/v1/``: per token, ``ZI_NATIONAL_API_RATE`` (default 120/min), with the PortalRB API's
    counter (one atomic increment per call in a fixed window; apps.portalrb.auth). Not tenant data:
    the key starts with ``national:``."""

    scope = "national"

    def get_rate(self) -> str:
        return str(getattr(settings, "ZI_NATIONAL_API_RATE", DEFAULT_NATIONAL_RATE))

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None
        return f"national:api-v1:throttle:{request.auth.pk}"
