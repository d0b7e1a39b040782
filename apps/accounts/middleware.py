"""Mandatory MFA: members with a privileged role reach no page before enrolling TOTP (DESIGN §5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from apps.accounts.principal import MFA_ATTR
from apps.tenancy.models import Membership
from apps.tenancy.roles import MFA_REQUIRED_ROLES

# Pages a person must still reach while enrolling: the enrolment pages, logout, language, and an
# invitation link (it concerns whoever it was sent to, not the session's user).
ALLOWED_URL_NAMES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_index",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_logout",
        "account_reauthenticate",
        "set_language",
        "accounts:mfa-required",
        "accounts:invitation-accept",
        "accounts:consent-list",
        "accounts:consent-answer",
    }
)


def user_requires_mfa(user: Any, *, memberships: list[Membership] | None = None) -> bool:
    """MFA is mandatory for the privileged roles (DESIGN §5) and for platform staff (the admin site).
    ``memberships``: the user's active memberships when already read (``ScopeMiddleware`` puts them
    on every request), so the check costs no query."""
    if user.is_staff:
        return True
    if memberships is not None:
        return any(m.role in MFA_REQUIRED_ROLES for m in memberships)
    return Membership.objects.filter(
        user=user, is_active=True, awaiting_consent=False, role__in=list(MFA_REQUIRED_ROLES)
    ).exists()


class MfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in ALLOWED_URL_NAMES or request.path_info.startswith("/static/"):
            return None
        # The rule first (no query, from the memberships already read), the enrolment only for
        # those it binds: most pegawai's pages cost no MFA query at all (issue 9).
        if not user_requires_mfa(user, memberships=getattr(request, "memberships", None)):
            return None
        enrolled = getattr(user, MFA_ATTR, None)  # from the principal cache (apps/accounts/principal.py)
        if enrolled if enrolled is not None else is_mfa_enabled(user, ["totp"]):
            return None
        return redirect("accounts:mfa-required")
