"""The three endpoints PortalRB pulls (PORTALRB_API.md), all GET, all JSON.

Every call is authenticated by the instansi's bearer token, which also opens the tenant scope for
the duration of the view (the scope middleware sees no logged-in user here). Every non-2xx answer
has the contract's body ``{"error": true, "code", "message"}`` (``apps.api.errors``), unhandled
errors included (Django's 500 handler for /api/). Every authenticated call is logged.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpRequest, HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.pengusulan.models import PengusulanSnapshot, Predikat
from apps.portalrb import schema as _schema  # noqa: F401  (registers the bearer security scheme)
from apps.portalrb.auth import HasPortalRBToken, PortalRBRateThrottle, PortalRBTokenAuthentication
from apps.portalrb.fastpath import snapshot_cached, snapshot_remember
from apps.portalrb.models import PortalRBToken
from apps.portalrb.selectors import portalrb_answers, portalrb_snapshot_for_unit, portalrb_unit_list
from apps.portalrb.serializers import (
    ERROR_EXAMPLES,
    JAWABAN_EXAMPLE,
    UNIT_WBBM_EXAMPLE,
    UNIT_WBK_EXAMPLE,
    ErrorSerializer,
    JawabanUnitSerializer,
    UnitListSerializer,
)
from apps.portalrb.services import portalrb_fetch_record
from apps.tenancy.scope import Scope, current_scope, reset_scope, scope, set_scope
from zi.db.replica import replica_reads

ERROR_RESPONSES = {
    401: OpenApiResponse(ErrorSerializer, description="Missing, wrong or revoked token."),
    404: OpenApiResponse(
        ErrorSerializer, description="Not a proposed unit of the token's instansi (another instansi's unit too)."
    ),
    429: OpenApiResponse(ErrorSerializer, description="Rate limit exceeded; see Retry-After."),
    500: OpenApiResponse(ErrorSerializer, description="Unexpected error."),
}


def _remote_addr(request: HttpRequest) -> str | None:
    raw = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


class PortalRBView(APIView):
    authentication_classes = [PortalRBTokenAuthentication]
    permission_classes = [HasPortalRBToken]
    throttle_classes = [PortalRBRateThrottle]
    renderer_classes = [JSONRenderer]
    metadata_class = None  # OPTIONS answers 405 like any other method but GET
    endpoint = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        started = time.monotonic()
        # Whatever scope ``initial`` opens is undone here, even when the view raises.
        scope_token = set_scope(current_scope())
        status_code = 500
        try:
            response = super().dispatch(request, *args, **kwargs)
            status_code = response.status_code
            return response
        finally:
            reset_scope(scope_token)
            token = getattr(getattr(self, "request", None), "_auth", None)
            if isinstance(token, PortalRBToken):
                with scope(token.instansi_id):
                    portalrb_fetch_record(
                        token=token,
                        endpoint=self.endpoint,
                        path=request.path,
                        status_code=status_code,
                        remote_addr=_remote_addr(request),
                        duration_ms=int((time.monotonic() - started) * 1000),
                    )

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        set_scope(Scope(instansi_id=request.auth.instansi_id))


class UnitListView(PortalRBView):
    predikat = ""

    @replica_reads  # PortalRB pulls: the replica when one is configured (token lookup and log stay on the primary)
    def get(self, request: Request) -> Response:
        payload = portalrb_unit_list(instansi=request.auth.instansi, predikat=self.predikat)
        return Response(UnitListSerializer(payload).data)


class UnitWBKView(UnitListView):
    predikat = Predikat.WBK
    endpoint = "unit-wbk"

    @extend_schema(
        operation_id="portalrb_unit_wbk",
        summary="Units proposed for Menuju WBK in the current proposal round",
        tags=["PortalRB"],
        responses={200: UnitListSerializer, **ERROR_RESPONSES},
        examples=[UNIT_WBK_EXAMPLE, *ERROR_EXAMPLES],
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class UnitWBBMView(UnitListView):
    predikat = Predikat.WBBM
    endpoint = "unit-wbbm"

    @extend_schema(
        operation_id="portalrb_unit_wbbm",
        summary="Units proposed for Menuju WBBM in the current proposal round",
        tags=["PortalRB"],
        responses={200: UnitListSerializer, **ERROR_RESPONSES},
        examples=[UNIT_WBBM_EXAMPLE, *ERROR_EXAMPLES],
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class JawabanUnitView(PortalRBView):
    endpoint = "jawaban-unit"

    @extend_schema(
        operation_id="portalrb_jawaban_unit",
        summary="The LKE answers of one proposed unit, from its frozen snapshot",
        tags=["PortalRB"],
        parameters=[
            OpenApiParameter("unit_id", str, OpenApiParameter.PATH, description="A unit id from unit-wbk or unit-wbbm.")
        ],
        responses={200: JawabanUnitSerializer, **ERROR_RESPONSES},
        examples=[JAWABAN_EXAMPLE, *ERROR_EXAMPLES],
    )
    @replica_reads
    def get(self, request: Request, unit_id: str) -> HttpResponse:
        instansi = request.auth.instansi
        # The unit's current snapshot from the cache, and its body already rendered: no query
        # (apps/portalrb/fastpath.py); otherwise the database, as before, and remembered.
        public_id = _parsed(unit_id)
        pulled = getattr(request, "portalrb_pull", None)
        if pulled is not None and pulled.token is not None:
            cached = pulled.snapshot  # read with the token (apps/portalrb/auth.py)
        else:
            cached = snapshot_cached(instansi.pk, public_id) if public_id is not None else None
        if cached is not None:
            body = _body_cached(_body_key(instansi.pk, *cached))
            if body is not None:
                return HttpResponse(body, content_type=JSONRenderer.media_type)
        snapshot = portalrb_snapshot_for_unit(instansi=instansi, unit_id=unit_id)
        snapshot_remember(instansi.pk, public_id, snapshot.pk, snapshot.sha256)  # type: ignore[arg-type]
        return HttpResponse(jawaban_unit_body(snapshot), content_type=JSONRenderer.media_type)


ANSWERS_CACHE_SECONDS = 24 * 3600


def jawaban_unit_body(snapshot: PengusulanSnapshot) -> bytes:
    """The answers of a frozen snapshot as the JSON bytes PortalRB receives. A snapshot never changes
    (a correction is a new row, so a new key) and its evidence links are signed at the snapshot's
    own time, so every build gives the same bytes: they are kept rendered (issue 9: the hottest
    endpoint spares the serializer and the JSON encoder), in this process first, then in the shared
    cache. The key starts with the instansi (DESIGN §4) and names the snapshot's id and hash and the
    site URL the links are built on."""
    key = _body_key(snapshot.instansi_id, snapshot.pk, snapshot.sha256)
    body = _body_cached(key)
    if body is None:
        document = JawabanUnitSerializer(portalrb_answers(snapshot=snapshot)).data
        body = JSONRenderer().render(document)
        cache.set(key, body, ANSWERS_CACHE_SECONDS)
        caches["process"].set(key, body, ANSWERS_CACHE_SECONDS)
    return body


def _parsed(unit_id: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(unit_id))
    except ValueError:
        return None


def _body_key(instansi_id: int, snapshot_id: int, sha256: str) -> str:
    site = hashlib.sha256(settings.SITE_URL.encode()).hexdigest()[:12]
    return f"instansi:{instansi_id}:portalrb:jawaban-json:{snapshot_id}:{sha256}:{site}"


def _body_cached(key: str) -> bytes | None:
    """A snapshot's rendered body: this process first, then the shared cache (kept here after)."""
    process_cache = caches["process"]
    body = process_cache.get(key)
    if body is None:
        body = cache.get(key)
        if body is not None:
            process_cache.set(key, body, ANSWERS_CACHE_SECONDS)
    return body
