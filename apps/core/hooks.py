"""What core shows of the apps above it, registered by those apps from their ``AppConfig.ready``
(as ``apps.core.navigation`` and ``apps.core.dashboards`` are): core never imports them.

* **notices** — a sentence for the banner of every page while something is unavailable
  (``bukti_dukung``: uploads are not scanned in the demo);
* **health parts** — one line each of ``/health/`` (``bukti_dukung``: the virus scanner);
* **page context** — extra context for a signed-in user's pages (``notifications``: the unread count);
* **API error page** — Django's own 400/404/500/503 answers under ``/api/`` (``api``: the JSON body);
* **audit** — the recorder of the workflow engine's transitions (``audit``: ``audit_record``), so
  ``apps.core.workflow`` writes its before/after row without importing the audit app. Required:
  with none registered a transition fails rather than go unaudited;
* **serve checks** — the requests ``zi_serve_check`` makes as ``zi_app`` after a restore besides the
  dashboard (``portalrb``: a PortalRB call with a token issued for the check).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from django.db import models
    from django.http import HttpRequest, HttpResponse
    from django.test import Client

    from apps.tenancy.models import Membership

Notice = Callable[[], str | None]
# A health part answers (text, degraded): ``degraded`` marks the whole probe ``degraded``.
HealthPart = Callable[[], tuple[str, bool]]
PageContext = Callable[["HttpRequest", "Membership | None"], dict[str, Any]]
ApiErrorPage = Callable[["HttpRequest", int], "HttpResponse"]
# A serve check gets the command's client (signed out) and the member whose page was loaded; it
# raises on a failure and returns what it served, e.g. "PortalRB unit-wbk for kemen-a (200)".
ServeCheck = Callable[["Client", "Membership"], str]


class AuditRecorder(Protocol):
    def __call__(
        self,
        *,
        actor: Any,  # the acting user, or None for the system
        verb: str,
        obj: models.Model,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
    ) -> object: ...


_notices: list[Notice] = []
_health: dict[str, HealthPart] = {}
_page_context: list[PageContext] = []
_api_error_page: list[ApiErrorPage] = []
_audit: list[AuditRecorder] = []
_serve_checks: dict[str, ServeCheck] = {}


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


def register_audit(recorder: AuditRecorder) -> None:
    _audit[:] = [recorder]


def register_serve_check(name: str, check: ServeCheck) -> None:
    _serve_checks[name] = check


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


def record_audit(
    *,
    actor: Any,  # the acting user, or None for the system
    verb: str,
    obj: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    if not _audit:
        raise RuntimeError("No audit recorder is registered (apps.audit registers audit_record).")
    _audit[0](actor=actor, verb=verb, obj=obj, before=before, after=after)


def serve_checks() -> dict[str, ServeCheck]:
    return dict(_serve_checks)
