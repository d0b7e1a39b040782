"""The contract's shapes (PORTALRB_API.md) as DRF serializers: they render the payloads and document
them in the OpenAPI schema. Field names are fixed by KemenPANRB; do not rename."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers


class UnitSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The unit's id in ZI (its public UUID); PortalRB's {unit_id}.")
    nama = serializers.CharField()
    kategori = serializers.ChoiceField(choices=["WBK", "WBK-AFIRMASI", "WBBM", "WBBM-AFIRMASI"])
    afirmasi = serializers.BooleanField()


class UnitListSerializer(serializers.Serializer):
    tahun = serializers.IntegerField(help_text="Year of the current proposal round.")
    units = UnitSerializer(many=True)


class AnswerSerializer(serializers.Serializer):
    soal_id = serializers.IntegerField(help_text="soals[].id of the PortalRB master.")
    jawaban_unit = serializers.CharField(allow_null=True)
    jawaban_tpi = serializers.CharField(allow_null=True)
    catatan_unit = serializers.CharField(allow_null=True)
    bukti_dukung_unit = serializers.CharField(
        allow_null=True, help_text="A signed, expiring link to the frozen evidence, or the unit's own link."
    )
    catatan_tpi = serializers.CharField(allow_null=True)


class JawabanUnitSerializer(serializers.Serializer):
    unit_id = serializers.CharField()
    nama_unit = serializers.CharField()
    tahun = serializers.IntegerField()
    answers = AnswerSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    error = serializers.BooleanField()
    code = serializers.CharField()
    message = serializers.CharField()


UNIT_ID_EXAMPLE = "3f0c1a52-9a7e-4c1e-8d0b-2b6f1c7e9a10"

UNIT_WBK_EXAMPLE = OpenApiExample(
    "unit-wbk",
    value={
        "tahun": 2026,
        "units": [
            {"id": UNIT_ID_EXAMPLE, "nama": "Biro Kepegawaian dan Diklat", "kategori": "WBK", "afirmasi": False},
            {
                "id": "7d1e2f40-0b5c-4a8e-9f3d-6c2a1b0e4d77",
                "nama": "RSUD Contoh",
                "kategori": "WBK-AFIRMASI",
                "afirmasi": True,
            },
        ],
    },
    response_only=True,
)
UNIT_WBBM_EXAMPLE = OpenApiExample(
    "unit-wbbm",
    value={
        "tahun": 2026,
        "units": [{"id": UNIT_ID_EXAMPLE, "nama": "Kantor Pelayanan Pajak", "kategori": "WBBM", "afirmasi": False}],
    },
    response_only=True,
)
JAWABAN_EXAMPLE = OpenApiExample(
    "jawaban-unit",
    value={
        "unit_id": UNIT_ID_EXAMPLE,
        "nama_unit": "Biro Kepegawaian dan Diklat",
        "tahun": 2026,
        "answers": [
            {
                "soal_id": 1,
                "jawaban_unit": "Ya",
                "jawaban_tpi": "Ya",
                "catatan_unit": "SK tim kerja ZI terbit Januari",
                "bukti_dukung_unit": "https://zi.example.go.id/portalrb/bukti/eyJ…/",
                "catatan_tpi": "Sesuai",
            },
            {
                "soal_id": 88,
                "jawaban_unit": "12",
                "jawaban_tpi": None,
                "catatan_unit": None,
                "bukti_dukung_unit": None,
                "catatan_tpi": None,
            },
        ],
    },
    response_only=True,
)


def error_example(status_code: int, code: str, message: str) -> OpenApiExample:
    return OpenApiExample(
        f"{status_code} {code}",
        value={"error": True, "code": code, "message": message},
        response_only=True,
        status_codes=[str(status_code)],
    )


ERROR_EXAMPLES = [
    error_example(401, "UNAUTHORIZED", "The PortalRB token is missing, wrong or revoked."),
    error_example(404, "DATA_NOT_FOUND", "Not found."),
    error_example(429, "RATE_LIMITED", "Request was throttled. Expected available in 30 seconds."),
    error_example(500, "SERVER_ERROR", "An unexpected error occurred. It has been logged."),
]
