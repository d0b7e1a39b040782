"""Opens the tenant scope for each request from the user's active membership.

The membership lookup runs before the request becomes application runtime (it *establishes* the
scope, on the login role); the view then runs as runtime: the database shows it only the scope's
instansi (apps/tenancy/rls.py), and no tenant row at all when there is no scope.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from apps.tenancy.models import Membership
from apps.tenancy.rls import app_runtime
from apps.tenancy.scope import Scope, reset_scope, set_scope
from apps.tenancy.selectors import membership_active_for_user, membership_list_for_user

SESSION_KEY = "zi_membership"


class ScopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = None
        memberships: list[Membership] = []
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # The auth backend brings them from the principal cache (apps/accounts/principal.py);
            # else one query. The switcher in every page shows the same list (request.memberships).
            cached = getattr(user, "zi_memberships", None)
            memberships = list(cached) if cached is not None else list(membership_list_for_user(user=user))
            membership = membership_active_for_user(
                user=user, preferred_public_id=request.session.get(SESSION_KEY), memberships=memberships
            )
        request.membership = membership  # type: ignore[attr-defined]
        request.memberships = memberships  # type: ignore[attr-defined]
        value = None
        if membership is not None:
            value = Scope(instansi_id=membership.instansi_id, national=membership.is_national)
        token = set_scope(value)
        try:
            with app_runtime():
                return self.get_response(request)
        finally:
            reset_scope(token)
