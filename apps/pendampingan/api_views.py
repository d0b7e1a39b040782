"""``/api/v1/pertanyaan-tpn/`` — the TPI's questions to KemenPANRB / TPN over the national API.

The same threads the national web view lists and answers (``pendampingan:tpn-list``), read with the
explicit national selectors and answered through ``konsultasi.konsultasi_reply`` inside the thread's
instansi scope, exactly as the web view does. Reading takes any national account of the API;
answering takes ``Cap.TPN_EVALUATE``. A closed thread refuses the reply with the API's error body.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api.national import E, NationalView
from apps.pendampingan import selectors
from apps.pendampingan.models import Konsultasi
from apps.pendampingan.serializers import (
    DETAIL_EXAMPLE,
    LIST_EXAMPLE,
    READ_ERRORS,
    REPLY_EXAMPLE,
    REPLY_REQUEST_EXAMPLE,
    WRITE_ERRORS,
    QuestionDetailSerializer,
    QuestionFilterSerializer,
    QuestionSummarySerializer,
    ReplyInputSerializer,
)
from apps.pendampingan.services.konsultasi import konsultasi_reply
from apps.tenancy.roles import Cap
from apps.tenancy.scope import scope

ID_PARAM = OpenApiParameter("public_id", str, OpenApiParameter.PATH, description="The thread's public id (UUID).")


def _person(user: Any) -> str:
    return user.name or user.email


def question_summary(konsultasi: Konsultasi, *, messages: int) -> dict[str, Any]:
    instansi, unit = konsultasi.instansi, konsultasi.unit
    return {
        "id": str(konsultasi.public_id),
        "subject": konsultasi.subject,
        "status": konsultasi.status,
        "tahun": konsultasi.cycle.tahun,
        "instansi": {
            "id": str(instansi.public_id),
            "code": instansi.code,
            "nama": instansi.name,
            "kind": instansi.kind,
            "province": instansi.province,
        },
        "unit": {"id": str(unit.public_id), "code": unit.code, "nama": unit.name} if unit else None,
        "asked_by": _person(konsultasi.created_by),
        "created_at": konsultasi.created_at.isoformat(),
        "last_message_at": konsultasi.last_message_at.isoformat() if konsultasi.last_message_at else None,
        "messages": messages,
    }


def question_detail(konsultasi: Konsultasi) -> dict[str, Any]:
    pesan = selectors.national_messages(konsultasi)
    files = selectors.national_attachments(pesan)
    thread = [
        {
            "id": str(p.public_id),
            "side": p.side,
            "author": _person(p.author),
            "body": p.body,
            "created_at": p.created_at.isoformat(),
            "attachments": [{"id": str(b.public_id), "name": b.original_name, "sha256": b.sha256} for b in files[p.pk]],
        }
        for p in pesan
    ]
    return {**question_summary(konsultasi, messages=len(thread)), "thread": thread}


class QuestionPagination(CursorPagination):
    # By when the question was asked: stable under replies (last_message_at moves, so a cursor
    # over it would skip or repeat threads answered while a client pages through).
    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200


class QuestionView(NationalView):
    def question(self, public_id: Any) -> Konsultasi:
        konsultasi = selectors.national_tpn_question(public_id)
        if konsultasi is None:
            raise Http404
        return konsultasi


class QuestionListView(QuestionView):
    @extend_schema(
        operation_id="v1_pertanyaan_tpn_list",
        summary="Questions from the TPI of every instansi to KemenPANRB / TPN, newest first (cursor pagination)",
        tags=["National"],
        parameters=[QuestionFilterSerializer],
        responses={
            200: QuestionSummarySerializer(many=True),
            401: E[401],
            403: E[403],
            404: E[404],
            422: E[422],
            429: E[429],
        },
        examples=[LIST_EXAMPLE, *READ_ERRORS],
    )
    def get(self, request: Request) -> Response:
        filters = QuestionFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = selectors.national_tpn_questions(**filters.validated_data).annotate(message_count=Count("pesan"))
        paginator = QuestionPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(
            [question_summary(k, messages=k.message_count) for k in page or []]  # type: ignore[attr-defined]
        )


QuestionListView.pagination_class = QuestionPagination  # documented as a paginated list


class QuestionDetailView(QuestionView):
    @extend_schema(
        operation_id="v1_pertanyaan_tpn_detail",
        summary="One question to TPN with every message of its thread",
        tags=["National"],
        parameters=[ID_PARAM],
        responses={200: QuestionDetailSerializer, 401: E[401], 403: E[403], 404: E[404], 429: E[429]},
        examples=[DETAIL_EXAMPLE, *READ_ERRORS],
    )
    def get(self, request: Request, public_id: Any) -> Response:
        return Response(question_detail(self.question(public_id)))


class QuestionReplyView(QuestionView):
    @extend_schema(
        operation_id="v1_pertanyaan_tpn_balasan_create",
        summary="Answer a question (TPN evaluators and KemenPANRB); the thread becomes answered",
        description="The TPI that asked is notified by email and in-app. A closed thread takes no reply "
        "(422 TRANSITION_NOT_ALLOWED); nothing is saved on any refusal.",
        tags=["National"],
        parameters=[ID_PARAM],
        request=ReplyInputSerializer,
        responses={201: QuestionDetailSerializer, 401: E[401], 403: E[403], 404: E[404], 422: E[422], 429: E[429]},
        examples=[REPLY_REQUEST_EXAMPLE, REPLY_EXAMPLE, *WRITE_ERRORS],
    )
    def post(self, request: Request, public_id: Any) -> Response:
        konsultasi = self.question(public_id)
        if not self.membership.can(Cap.TPN_EVALUATE):
            raise PermissionDenied
        data = ReplyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with scope(konsultasi.instansi_id):
            konsultasi_reply(actor=self.membership, konsultasi=konsultasi, body=data.validated_data["body"])
        return Response(question_detail(self.question(public_id)), status=201)
