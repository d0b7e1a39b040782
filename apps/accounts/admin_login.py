"""The platform admin (/admin-platform/) signs in through allauth, never through its own form.

Django's admin login form would authenticate with nothing but a password: no failed-login lockout,
no MFA. Replacing ``admin.site.login`` with this view sends everyone through allauth's login (the
``login_failed`` lockout with its Indonesian message, then the TOTP step); staff need MFA
(``apps.accounts.middleware.user_requires_mfa``). This view itself never checks a password.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache


@never_cache
def admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    user = request.user
    if user.is_authenticated:
        if user.is_active and user.is_staff:
            return redirect(next_url)
        # Signed in but not platform staff: admin would send them here again; refuse instead of looping.
        raise PermissionDenied
    return redirect_to_login(next_url, login_url=reverse("account_login"))
