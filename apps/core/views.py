"""The shell: landing, role dashboard, membership switcher, error pages, health."""

from __future__ import annotations

import sys
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.defaults import bad_request as django_bad_request

from apps.core import dashboards, hooks
from apps.core.cache import cache_unavailable
from apps.tenancy.middleware import SESSION_KEY
from apps.tenancy.selectors import membership_list_for_user


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:dashboard")
    return redirect("account_login")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    membership = getattr(request, "membership", None)
    context: dict[str, Any] = {"panels": dashboards.panels_for(membership)}
    return render(request, "core/dashboard.html", context)


@login_required
@require_POST
def membership_switch(request: HttpRequest, public_id: str) -> HttpResponse:
    # Only one of the user's own memberships can be chosen; anything else is not found.
    match = membership_list_for_user(user=request.user).filter(public_id=public_id).first()
    if match is None:
        raise Http404
    request.session[SESSION_KEY] = str(match.public_id)
    return redirect("core:dashboard")


TEXT_SIZE_COOKIE = "zi_text"
TEXT_SIZES = {"normal", "large"}


@require_POST
def text_size(request: HttpRequest) -> HttpResponse:
    """Larger text for everyone who wants it (issue 21), logged in or not: a cookie kept for a year,
    read by base.html (``html.zi-text-large``). Works without JavaScript; back to the same page."""
    size = request.POST.get("size", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    if size in TEXT_SIZES:
        response.set_cookie(
            TEXT_SIZE_COOKIE, size, max_age=365 * 24 * 3600, samesite="Lax", secure=request.is_secure(), httponly=True
        )
    return response


def health(request: HttpRequest) -> JsonResponse:
    """The liveness probe, and what is unavailable: 200 while ZI serves (``degraded`` when Redis is
    down or uploads are refused, with the reason), 503 when its database cannot be reached."""
    body: dict[str, Any] = {"status": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["database"] = "ok"
    except DATABASE_DOWN:
        body.update(status="unavailable", database="unavailable")
    cache.get("zi:health")  # a call notices (and records) a Redis outage
    body["cache"] = "unavailable: rate limits count per process" if cache_unavailable() else "ok"
    degraded = body["cache"] != "ok"
    for name, (text, part_degraded) in hooks.health_parts().items():  # e.g. the scanner (bukti_dukung)
        body[name] = text
        degraded = degraded or part_degraded
    if body["status"] == "ok" and degraded:
        body["status"] = "degraded"
    return JsonResponse(body, status=503 if body["status"] == "unavailable" else 200)


def _api_page(request: HttpRequest) -> hooks.ApiErrorPage | None:
    """Under /api/, the API's own error body (registered by ``apps.api``) instead of a page."""
    return hooks.api_error_page() if request.path_info.startswith("/api/") else None


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 400 (a suspicious request, a body over the limit): the API's JSON under /api/."""
    if (api_page := _api_page(request)) is not None:
        return api_page(request, 400)
    return django_bad_request(request, exception)  # type: ignore[arg-type]


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if (api_page := _api_page(request)) is not None:
        return api_page(request, 404)
    return render(request, "404.html", status=404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return service_unavailable(request)
    if (api_page := _api_page(request)) is not None:
        return api_page(request, 500)
    return render(request, "500.html", status=500)


# The database is unreachable or refused the connection: a 503 that says so (and to retry), not a 500.
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The answer while the database is gone: the contract's JSON under /api/, else a static HTML page
    (rendered without the request: every context processor would need the database)."""
    if (api_page := _api_page(request)) is not None:
        response: HttpResponse = api_page(request, 503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
