"""View decorators: a logged-in user working inside an instansi (or nationally)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from apps.tenancy.models import Membership

View = Callable[..., HttpResponse]


def request_actor(request: HttpRequest) -> Membership:
    """The membership a view behind ``instansi_member_required`` or ``capability_required`` acts as
    (set by ``ScopeMiddleware``; those decorators guarantee it is there)."""
    return request.membership  # type: ignore[attr-defined,no-any-return]


def instansi_member_required(view: View) -> View:
    """Login required, and an active membership of an instansi (not a national one)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = getattr(request, "membership", None)
        if membership is None or membership.instansi_id is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def member_required(view: View) -> View:
    """Login required and an active membership, of an instansi or a national one (pages every
    signed-in person has, like their notifications)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "membership", None) is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def capability_required(capability: str) -> Callable[[View], View]:
    """Instansi membership with a capability; 403 otherwise (nothing of the tenant is revealed)."""

    def decorator(view: View) -> View:
        @instansi_member_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.membership.can(capability):  # type: ignore[attr-defined]
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def national_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = getattr(request, "membership", None)
        if membership is None or not membership.is_national:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
