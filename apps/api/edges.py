"""The edges of every API (issue 19 item 6): requests no view should see are answered here, in the
APIs' one JSON error body (``apps/api/errors.py``, PortalRB's contract included), before any view,
database query or fetch log runs.

* a NUL byte anywhere in the path or the query string (PostgreSQL refuses NUL in text: it was a 500
  in the PortalRB fetch log, which writes ``request.path``) → 400 ``BAD_REQUEST``;
* a path longer than ``MAX_PATH`` or a query string longer than ``MAX_QUERY`` → 414 ``URI_TOO_LONG``;
* a body declared larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` → 413 ``PAYLOAD_TOO_LARGE`` (Django
  would answer its HTML 400 page, and only once a view read the body).

Deep nesting is the JSON parser's (``apps/api/parsers.py``); wrong content types are DRF's 415, in
the same body through the exception handler. Any other error answer under /api/ that is not JSON
(the schema and docs views render their own formats, e.g. a 405) is rewritten into that body, so a
client of any /api/ route only ever has to read one error format.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from apps.api.errors import error_body

MAX_PATH = 2048
MAX_QUERY = 8192


def _refusal(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(error_body(status, message, code=code), status=status)


def api_edge_refusal(request: HttpRequest) -> JsonResponse | None:
    raw_path = request.META.get("PATH_INFO", "")
    query = request.META.get("QUERY_STRING", "")
    if len(raw_path) > MAX_PATH or len(query) > MAX_QUERY:
        return _refusal(414, "URI_TOO_LONG", _("The address of the request is too long."))
    if "\x00" in raw_path or "\x00" in query or b"\x00" in unquote_to_bytes(query):
        return _refusal(400, "BAD_REQUEST", _("The request contains a NUL character, which is not allowed."))
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _refusal(400, "BAD_REQUEST", _("The Content-Length header is not a number."))
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and length > limit:
        return _refusal(
            413,
            "PAYLOAD_TOO_LARGE",
            _("The request body is too large (at most %(limit)s bytes).") % {"limit": limit},
        )
    return None


class ApiEdgeMiddleware:
    """Applies :func:`api_edge_refusal` to every path under ``/api/``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith("/api/"):
            return self.get_response(request)
        refusal = api_edge_refusal(request)
        if refusal is not None:
            return refusal
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            message = _("This method is not allowed here.") if response.status_code == 405 else response.reason_phrase
            json = JsonResponse(error_body(response.status_code, message), status=response.status_code)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):
                if header in response:
                    json[header] = response[header]
            return json
        return response
