"""What core shows of the apps above it, registered by those apps from their ``AppConfig.ready``
(as ``apps.core.navigation`` and ``apps.core.dashboards`` are): core never imports them.

* **notices** — a sentence for the banner of every page while something is unavailable
  (``bukti_dukung``: uploads are not scanned in the demo);
* **health parts** — one line each of ``/health/`` (``bukti_dukung``: the virus scanner);
* **page context** — extra context for a signed-in user's pages (``notifications``: the unread count);
* **API error page** — Django's own 400/404/500/503 answers under ``/api/`` (``api``: the JSON body).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from apps.tenancy.models import Membership

Notice = Callable[[], str | None]
# A health part answers (text, degraded): ``degraded`` marks the whole probe ``degraded``.
HealthPart = Callable[[], tuple[str, bool]]
PageContext = Callable[["HttpRequest", "Membership | None"], dict[str, Any]]
ApiErrorPage = Callable[["HttpRequest", int], "HttpResponse"]

_notices: list[Notice] = []
_health: dict[str, HealthPart] = {}
_page_context: list[PageContext] = []
_api_error_page: list[ApiErrorPage] = []


def register_notice(notice: Notice) -> Notice:
    if notice not in _notices:
        _notices.append(notice)
    return notice


def register_health(name: str, part: HealthPart) -> None:
    _health[name] = part


def register_page_context(builder: PageContext) -> PageContext:
    if builder not in _page_context:
        _page_context.append(builder)
    return builder


def register_api_error_page(page: ApiErrorPage) -> None:
    _api_error_page[:] = [page]


def notices() -> list[str]:
    return [text for notice in _notices if (text := notice())]


def health_parts() -> dict[str, tuple[str, bool]]:
    return {name: part() for name, part in _health.items()}


def page_context(request: HttpRequest, membership: Membership | None) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for builder in _page_context:
        context.update(builder(request, membership))
    return context


def api_error_page() -> ApiErrorPage | None:
    return _api_error_page[0] if _api_error_page else None
