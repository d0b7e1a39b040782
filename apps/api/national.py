"""The base of every ``/api/v1/`` view (tpn, pendampingan, pemantauan): one national token, one
scope, one error body.

The token, the "active national account with MFA" check and the rate limit belong to tpn (its
``ApiToken``); tpn registers them here from its ``AppConfig.ready`` (``register_national_api``), as
the apps register their menus with ``apps.core.navigation``, so this layer never imports tpn. Until
they are registered every call fails (``ImproperlyConfigured``: closed, never open).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from apps.api.serializers import NationalErrorSerializer
from apps.tenancy.models import Membership
from apps.tenancy.scope import Scope, current_scope, reset_scope, set_scope


@dataclass(frozen=True)
class NationalApi:
    authentication: Sequence[type[BaseAuthentication]]
    permission: Sequence[type[BasePermission]]
    throttle: Sequence[type[BaseThrottle]]


_registered: list[NationalApi] = []


def register_national_api(
    *,
    authentication: Sequence[type[BaseAuthentication]],
    permission: Sequence[type[BasePermission]],
    throttle: Sequence[type[BaseThrottle]],
) -> None:
    """Called once, by the app owning the national token (tpn), from its ``AppConfig.ready``."""
    _registered[:] = [NationalApi(tuple(authentication), tuple(permission), tuple(throttle))]


def national_api() -> NationalApi:
    if not _registered:
        raise ImproperlyConfigured("No national API authentication is registered (apps.tpn is not installed).")
    return _registered[0]


E = {
    401: OpenApiResponse(NationalErrorSerializer, description="Missing, wrong or revoked token."),
    403: OpenApiResponse(
        NationalErrorSerializer, description="Not an active national account with MFA, or role refused."
    ),
    404: OpenApiResponse(
        NationalErrorSerializer, description="No such proposed pengusulan / unit (or an invalid cursor)."
    ),
    422: OpenApiResponse(
        NationalErrorSerializer, description="Invalid input (``fields`` names each field) or a refused stage order."
    ),
    429: OpenApiResponse(NationalErrorSerializer, description="Rate limit of the token exceeded; see Retry-After."),
}
ID_PARAM = OpenApiParameter("public_id", str, OpenApiParameter.PATH, description="The public id (UUID).")


class NationalView(APIView):
    renderer_classes = [JSONRenderer]
    metadata_class = None  # OPTIONS answers 405
    membership: Membership  # set by the registered permission (the caller's national membership)

    def get_authenticators(self) -> list[BaseAuthentication]:
        return [cls() for cls in national_api().authentication]

    def get_permissions(self) -> list[BasePermission]:
        return [cls() for cls in national_api().permission]

    def get_throttles(self) -> list[BaseThrottle]:
        return [cls() for cls in national_api().throttle]  # issue 18: no unlimited bulk pulls

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # Whatever scope ``initial`` opens is undone here, even when the view raises.
        token = set_scope(current_scope())
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            reset_scope(token)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        set_scope(Scope(instansi_id=None, national=True))
