"""One error format for every API response that is not 2xx (DESIGN §9, PORTALRB_API.md):

    {"error": true, "code": "DATA_NOT_FOUND", "message": "…", "fields": {…}}

``fields`` appears only on validation errors (422), naming each field and its messages. The codes
are the contract's upper-case codes. Unhandled errors under /api/ get the same body from
``api_error_response`` via the project's 404/500 handlers.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from apps.core.errors import ConflictError, DomainError, PermissionDeniedError

STATUS_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "DATA_NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    414: "URI_TOO_LONG",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_ERROR",
    429: "RATE_LIMITED",
    500: "SERVER_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


def error_body(status_code: int, message: str, *, code: str | None = None, fields: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"error": True, "code": code or STATUS_CODES.get(status_code, "ERROR"), "message": message}
    if fields:
        body["fields"] = fields
    return body


def api_error_response(request: HttpRequest, status_code: int) -> JsonResponse:
    """For Django's own 404/500 handlers when the path is under /api/."""
    messages = {
        400: _("The request is not valid."),
        404: _("Not found."),
        500: _("An unexpected error occurred. It has been logged."),
        503: _("The service is temporarily unavailable (its database cannot be reached). Try again shortly."),
    }
    return JsonResponse(error_body(status_code, str(messages.get(status_code, ""))), status=status_code)


def _django_validation_fields(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {name: [str(m) for e in errors for m in e.messages] for name, errors in exc.error_dict.items()}
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: map every expected failure to the one error body."""
    if isinstance(exc, DjangoValidationError):
        fields = _django_validation_fields(exc)
        return Response(error_body(422, _("The request is not valid."), fields=fields), status=422)
    if isinstance(exc, ConflictError):
        return Response(error_body(409, str(exc)), status=409)
    if isinstance(exc, PermissionDeniedError):
        return Response(error_body(403, str(exc)), status=403)
    if isinstance(exc, DomainError):
        return Response(error_body(422, str(exc), code=exc.code.upper()), status=422)
    if isinstance(exc, Http404):
        return Response(error_body(404, _("Not found.")), status=404)
    if isinstance(exc, PermissionDenied):
        return Response(error_body(403, _("You do not have permission to do this.")), status=403)
    if isinstance(exc, exceptions.ValidationError):
        return Response(error_body(422, _("The request is not valid."), fields=exc.detail), status=422)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # unexpected: Django's 500 handler answers with the same body
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
    code = None
    if response.status_code == status.HTTP_401_UNAUTHORIZED or isinstance(
        exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed
    ):
        response.status_code = 401
    response.data = error_body(response.status_code, str(detail), code=code)
    return response
