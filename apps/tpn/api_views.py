"""``/api/v1/`` — the national API for KemenPANRB and TPN (DESIGN §9), one class per operation.

Every call is authenticated by a personal token of an active, MFA-protected national account and
runs in the national scope (no tenant rows through ``objects``; reads are the explicit ``unscoped``
national selectors, writes open the pengusulan's instansi scope in the service). Every non-2xx
answer is the one error body of ``apps.api.errors``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api.national import ID_PARAM, E, NationalView
from apps.pengusulan.services import proposal_deadline_set
from apps.tpn import schema as _schema  # noqa: F401  (registers the bearer security scheme)
from apps.tpn.access import access_national_instansi, access_national_proposal, access_national_unit
from apps.tpn.documents import proposal_answers, proposal_detail, proposal_summary, result_document, unit_document
from apps.tpn.selectors import proposal_list_national
from apps.tpn.serializers import (
    ANSWERS_EXAMPLE,
    DETAIL_EXAMPLE,
    LIST_EXAMPLE,
    READ_ERRORS,
    RESULT_EXAMPLE,
    RESULT_REQUEST_EXAMPLES,
    TPN_ANSWERS_REQUEST_EXAMPLE,
    TPN_SCORES_EXAMPLE,
    UNIT_EXAMPLE,
    WRITE_ERRORS,
    AnswersDocumentSerializer,
    ProposalDetailSerializer,
    ProposalFilterSerializer,
    ProposalSummarySerializer,
    ResultInputSerializer,
    ResultSerializer,
    TPNAnswersInputSerializer,
    TPNScoresSerializer,
    UnitDocumentSerializer,
)
from apps.tpn.services import proposal_quota_set, tpn_answers_save, tpn_result_record

LIMIT_NOT_A_NUMBER = _("Give limit as a whole number of rows per page.")


class ProposalPagination(CursorPagination):
    ordering = ("-proposed_at", "-id")
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        """``limit`` must be a whole number when given (DRF would silently fall back to the default
        for ``?limit=abc``, accepting a request its own schema calls invalid); it is capped at
        ``max_page_size``, and a number below 1 means the default."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not raw.strip().lstrip("+-").isdigit():
            raise serializers.ValidationError({self.page_size_query_param: [LIMIT_NOT_A_NUMBER]})
        return super().get_page_size(request)


class ProposalListView(NationalView):
    @extend_schema(
        operation_id="v1_pengusulan_list",
        summary="Proposals across every instansi, newest first (cursor pagination)",
        tags=["National"],
        parameters=[ProposalFilterSerializer],
        responses={
            200: ProposalSummarySerializer(many=True),
            401: E[401],
            403: E[403],
            404: E[404],
            422: E[422],
            429: E[429],
        },
        examples=[LIST_EXAMPLE, *READ_ERRORS],
    )
    def get(self, request: Request) -> Response:
        filters = ProposalFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = proposal_list_national(**filters.validated_data)
        paginator = ProposalPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response([proposal_summary(p) for p in page or []])


ProposalListView.pagination_class = ProposalPagination  # documented as a paginated list


class ProposalDetailView(NationalView):
    @extend_schema(
        operation_id="v1_pengusulan_detail",
        summary="One proposal: instansi, unit, status and stage, snapshot hash, scores per tier, TPN results",
        tags=["National"],
        parameters=[ID_PARAM],
        responses={200: ProposalDetailSerializer, 401: E[401], 403: E[403], 404: E[404], 429: E[429]},
        examples=[DETAIL_EXAMPLE, *READ_ERRORS],
    )
    def get(self, request: Request, public_id: Any) -> Response:
        return Response(proposal_detail(access_national_proposal(public_id)))


class ProposalAnswersView(NationalView):
    @extend_schema(
        operation_id="v1_pengusulan_jawaban",
        summary="The answers per tier from the frozen snapshot (and TPN's own), with evidence links",
        tags=["National"],
        parameters=[ID_PARAM],
        responses={200: AnswersDocumentSerializer, 401: E[401], 403: E[403], 404: E[404], 429: E[429]},
        examples=[ANSWERS_EXAMPLE, *READ_ERRORS],
    )
    def get(self, request: Request, public_id: Any) -> Response:
        return Response(proposal_answers(access_national_proposal(public_id)))


class ProposalResultView(NationalView):
    @extend_schema(
        operation_id="v1_pengusulan_hasil_create",
        summary="Record a TPN result (administrasi, sanggahan, desk, lapangan, penetapan, pencabutan)",
        description="Stage order: administrasi after the proposal; sanggahan only after tidak_lulus; desk after a "
        "pass (or an accepted sanggahan) and after the TPN answers; lapangan after desk; penetapan after desk or "
        "lapangan; pencabutan only after ditetapkan. Penetapan and pencabutan are KemenPANRB's (kemenpanrb_admin).",
        tags=["National"],
        parameters=[ID_PARAM],
        request=ResultInputSerializer,
        responses={201: ResultSerializer, 401: E[401], 403: E[403], 404: E[404], 422: E[422], 429: E[429]},
        examples=[*RESULT_REQUEST_EXAMPLES, RESULT_EXAMPLE, *WRITE_ERRORS],
    )
    def post(self, request: Request, public_id: Any) -> Response:
        pengusulan = access_national_proposal(public_id)
        data = ResultInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = tpn_result_record(actor=self.membership, pengusulan=pengusulan, **data.validated_data)
        return Response(result_document(result), status=201)


class ProposalTPNAnswersView(NationalView):
    @extend_schema(
        operation_id="v1_pengusulan_jawaban_tpn_update",
        summary="Save the desk evaluation answers (the TPN tier), all or nothing; returns the TPN-tier scores",
        tags=["National"],
        parameters=[ID_PARAM],
        request=TPNAnswersInputSerializer,
        responses={200: TPNScoresSerializer, 401: E[401], 403: E[403], 404: E[404], 422: E[422], 429: E[429]},
        examples=[TPN_ANSWERS_REQUEST_EXAMPLE, TPN_SCORES_EXAMPLE, *WRITE_ERRORS],
    )
    def put(self, request: Request, public_id: Any) -> Response:
        pengusulan = access_national_proposal(public_id)
        data = TPNAnswersInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payload = tpn_answers_save(actor=self.membership, pengusulan=pengusulan, answers=data.validated_data["answers"])
        return Response(payload)


class UnitDetailView(NationalView):
    @extend_schema(
        operation_id="v1_unit_detail",
        summary="One proposed unit kerja: its proposals and predikat history",
        tags=["National"],
        parameters=[ID_PARAM],
        responses={200: UnitDocumentSerializer, 401: E[401], 403: E[403], 404: E[404], 429: E[429]},
        examples=[UNIT_EXAMPLE, *READ_ERRORS],
    )
    def get(self, request: Request, public_id: Any) -> Response:
        return Response(unit_document(access_national_unit(public_id)))


class QuotaInputSerializer(serializers.Serializer):
    tahun = serializers.IntegerField()
    max_units = serializers.IntegerField()


class QuotaSerializer(serializers.Serializer):
    instansi = serializers.CharField(help_text="The instansi's code.")
    tahun = serializers.IntegerField()
    max_units = serializers.IntegerField()


class InstansiQuotaView(NationalView):
    @extend_schema(
        operation_id="v1_instansi_kuota_update",
        summary="Set an instansi's proposal quota for a year (KemenPANRB)",
        tags=["National"],
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH, description="The instansi's code.")],
        request=QuotaInputSerializer,
        responses={200: QuotaSerializer, 401: E[401], 403: E[403], 404: E[404], 422: E[422], 429: E[429]},
        examples=[
            OpenApiExample("Quota", value={"tahun": 2026, "max_units": 5}, request_only=True),
            OpenApiExample(
                "Quota set", value={"instansi": "kemen-contoh", "tahun": 2026, "max_units": 5}, response_only=True
            ),
        ],
    )
    def put(self, request: Request, code: str) -> Response:
        instansi = access_national_instansi(code)
        data = QuotaInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        quota = proposal_quota_set(actor=self.membership, instansi=instansi, **data.validated_data)
        return Response({"instansi": instansi.code, "tahun": quota.tahun, "max_units": quota.max_units})


class DeadlineInputSerializer(serializers.Serializer):
    closes_on = serializers.DateField(help_text="The last day proposals may be made (YYYY-MM-DD).")


class DeadlineSerializer(serializers.Serializer):
    tahun = serializers.IntegerField()
    closes_on = serializers.DateField()


class ProposalDeadlineView(NationalView):
    @extend_schema(
        operation_id="v1_batas_pengusulan_update",
        summary="Set the year's proposal deadline for every instansi (TPN's date instead of 31 May)",
        tags=["National"],
        parameters=[OpenApiParameter("tahun", int, OpenApiParameter.PATH, description="The evaluation year.")],
        request=DeadlineInputSerializer,
        responses={200: DeadlineSerializer, 401: E[401], 403: E[403], 404: E[404], 422: E[422], 429: E[429]},
        examples=[
            OpenApiExample("Deadline", value={"closes_on": "2026-06-30"}, request_only=True),
            OpenApiExample("Deadline set", value={"tahun": 2026, "closes_on": "2026-06-30"}, response_only=True),
        ],
    )
    def put(self, request: Request, tahun: int) -> Response:
        data = DeadlineInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deadline = proposal_deadline_set(actor=self.membership, tahun=tahun, **data.validated_data)
        return Response({"tahun": deadline.tahun, "closes_on": deadline.closes_on.isoformat()})
