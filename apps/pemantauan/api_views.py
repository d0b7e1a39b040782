"""``/api/v1/usulan-pencabutan/`` — revocation proposals of every instansi for KemenPANRB (issue 17):
the same national token, scope and error body as the rest of ``/api/v1/``; the decision goes through
``usulan_pencabutan_decide``, the service behind the web view."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api.national import ID_PARAM, E, NationalView
from apps.pemantauan import selectors
from apps.pemantauan.models import StatusUsulan, UsulanPencabutan
from apps.pemantauan.services import usulan_pencabutan_decide

LIST_LIMIT = 200


class _Ref(serializers.Serializer):
    id = serializers.CharField()
    code = serializers.CharField()
    nama = serializers.CharField()


class _Bukti(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    sha256 = serializers.CharField()


class UsulanSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    instansi = _Ref()
    unit = _Ref()
    predikat = serializers.CharField()
    tahun_predikat = serializers.IntegerField()
    alasan = serializers.CharField()
    bukti = _Bukti(many=True)
    status = serializers.ChoiceField(choices=StatusUsulan.choices)
    catatan_keputusan = serializers.CharField(allow_blank=True)
    dicabut_pada = serializers.DateField(allow_null=True)
    diusulkan_pada = serializers.DateTimeField()


class UsulanFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=StatusUsulan.choices, required=False)


class DecisionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("revoke", "revoke"), ("reject", "reject")])
    notes = serializers.CharField(max_length=10000, allow_blank=True, required=False, default="")
    revoked_on = serializers.DateField(required=False, allow_null=True, default=None)


def usulan_document(usulan: UsulanPencabutan) -> dict[str, Any]:
    return {
        "id": str(usulan.public_id),
        "instansi": {"id": str(usulan.instansi.public_id), "code": usulan.instansi.code, "nama": usulan.instansi.name},
        "unit": {"id": str(usulan.unit.public_id), "code": usulan.unit.code, "nama": usulan.unit.name},
        "predikat": usulan.predikat.predikat,
        "tahun_predikat": usulan.predikat.tahun,
        "alasan": usulan.alasan,
        "bukti": [
            {"id": str(b.public_id), "name": b.original_name, "sha256": b.sha256}
            for b in selectors.usulan_bukti_national(usulan=usulan)
        ],
        "status": usulan.status,
        "catatan_keputusan": usulan.catatan_keputusan,
        "dicabut_pada": usulan.dicabut_pada.isoformat() if usulan.dicabut_pada else None,
        "diusulkan_pada": usulan.created_at.isoformat(),
    }


class UsulanListView(NationalView):
    @extend_schema(
        operation_id="v1_usulan_pencabutan_list",
        summary="Revocation proposals of every instansi (with their evidence), newest first",
        tags=["National"],
        parameters=[UsulanFilterSerializer],
        responses={200: UsulanSerializer(many=True), 401: E[401], 403: E[403], 422: E[422]},
    )
    def get(self, request: Request) -> Response:
        filters = UsulanFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        rows = selectors.usulan_list_national(status=filters.validated_data.get("status"))[:LIST_LIMIT]
        return Response([usulan_document(u) for u in rows])


class UsulanDecisionView(NationalView):
    @extend_schema(
        operation_id="v1_usulan_pencabutan_keputusan_create",
        summary="KemenPANRB decides a revocation proposal: revoke (the predikat ends; 2-year block) or reject",
        tags=["National"],
        parameters=[ID_PARAM],
        request=DecisionInputSerializer,
        responses={200: UsulanSerializer, 401: E[401], 403: E[403], 404: E[404], 422: E[422]},
    )
    def post(self, request: Request, public_id: Any) -> Response:
        usulan = selectors.usulan_get_national(public_id=public_id)
        if usulan is None:
            raise Http404
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decided = usulan_pencabutan_decide(actor=self.membership, usulan=usulan, **data.validated_data)
        return Response(usulan_document(selectors.usulan_get_national(public_id=decided.public_id)))
