"""Shapes shared by every part of the national API ``/api/v1/`` (tpn, pendampingan, pemantauan): the
references to an instansi and a unit, the one error body, and the OpenAPI example of an error."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from apps.tenancy.models import InstansiKind


class InstansiRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    nama = serializers.CharField()
    kind = serializers.ChoiceField(choices=InstansiKind.choices)
    province = serializers.CharField(allow_blank=True, help_text="Two-digit BPS code; empty for central government.")


class UnitRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    nama = serializers.CharField()


class NationalErrorSerializer(serializers.Serializer):
    error = serializers.BooleanField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.JSONField(required=False, help_text="Validation errors only: field → messages.")


def error_example(status_code: int, code: str, message: str, fields: dict | None = None) -> OpenApiExample:
    value: dict = {"error": True, "code": code, "message": message}
    if fields:
        value["fields"] = fields
    return OpenApiExample(f"{status_code} {code}", value=value, response_only=True, status_codes=[str(status_code)])
