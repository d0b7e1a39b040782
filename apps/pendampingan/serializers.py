"""Shapes of the TPI's questions to TPN on ``/api/v1/pertanyaan-tpn/``: input validation and the
OpenAPI documentation of every payload (the error body is ``apps.api.serializers.NationalErrorSerializer``)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from apps.api.serializers import InstansiRefSerializer, UnitRefSerializer, error_example
from apps.pendampingan.models import KonsultasiStatus, Pihak
from apps.pendampingan.services.konsultasi import BODY_REQUIRED

MAX_BODY = 10_000

# ----------------------------------------------------------------------------- input


class QuestionFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=KonsultasiStatus.choices, required=False)
    tahun = serializers.IntegerField(required=False, min_value=2000, max_value=2100)


class ReplyInputSerializer(serializers.Serializer):
    body = serializers.CharField(
        max_length=MAX_BODY,
        trim_whitespace=True,
        error_messages={"blank": BODY_REQUIRED, "required": BODY_REQUIRED},
        help_text="The answer of KemenPANRB / TPN (plain text).",
    )


# ----------------------------------------------------------------------------- output


class AttachmentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    sha256 = serializers.CharField()


class MessageSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    side = serializers.ChoiceField(choices=Pihak.choices, help_text="tpi: the question side; tpn: the answers.")
    author = serializers.CharField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    attachments = AttachmentSerializer(many=True, help_text="Files kept in the instansi's evidence store.")


class QuestionSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The thread's public id.")
    subject = serializers.CharField()
    status = serializers.ChoiceField(choices=KonsultasiStatus.choices)
    tahun = serializers.IntegerField()
    instansi = InstansiRefSerializer()
    unit = UnitRefSerializer(allow_null=True, help_text="The unit the question is about, if any.")
    asked_by = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_message_at = serializers.DateTimeField(allow_null=True)
    messages = serializers.IntegerField(help_text="Number of messages in the thread.")


class QuestionDetailSerializer(QuestionSummarySerializer):
    thread = MessageSerializer(many=True, help_text="Every message, oldest first.")


# ----------------------------------------------------------------------------- examples

QUESTION_ID = "2c4e6a80-1b3d-4f5a-8c7e-9d0f1a2b3c4d"
SUMMARY = {
    "id": QUESTION_ID,
    "subject": "Bukti soal pakta integritas untuk pegawai outsourcing",
    "status": "open",
    "tahun": 2026,
    "instansi": {
        "id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
        "code": "kota-bandung",
        "nama": "Pemerintah Kota Bandung",
        "kind": "kota",
        "province": "32",
    },
    "unit": {"id": "3f0c1a52-9a7e-4c1e-8d0b-2b6f1c7e9a10", "code": "DPMPTSP", "nama": "DPMPTSP Kota Bandung"},
    "asked_by": "Inspektur Pembantu II",
    "created_at": "2026-03-02T09:00:00+07:00",
    "last_message_at": "2026-03-02T09:00:00+07:00",
    "messages": 1,
}
MESSAGE = {
    "id": "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
    "side": "tpi",
    "author": "Inspektur Pembantu II",
    "body": "Apakah pegawai outsourcing ikut dihitung dalam cakupan pakta integritas?",
    "created_at": "2026-03-02T09:00:00+07:00",
    "attachments": [],
}
ANSWER = {
    **MESSAGE,
    "id": "7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e",
    "side": "tpn",
    "author": "Tim Penilai Nasional 1",
    "body": "Tidak: cakupan dihitung dari pegawai ASN dan PPPK unit.",
    "created_at": "2026-03-04T14:00:00+07:00",
}

LIST_EXAMPLE = OpenApiExample(
    "list",
    value={
        "next": "https://zi.example.go.id/api/v1/pertanyaan-tpn/?cursor=cD0yMDI2",
        "previous": None,
        "results": [SUMMARY],
    },
    response_only=True,
)
DETAIL_EXAMPLE = OpenApiExample("detail", value={**SUMMARY, "thread": [MESSAGE]}, response_only=True)
REPLY_REQUEST_EXAMPLE = OpenApiExample("answer", value={"body": ANSWER["body"]}, request_only=True)
REPLY_EXAMPLE = OpenApiExample(
    "answered",
    value={**SUMMARY, "status": "answered", "messages": 2, "thread": [MESSAGE, ANSWER]},
    response_only=True,
    status_codes=["201"],
)
E401 = error_example(401, "UNAUTHORIZED", "The API token is missing, wrong or revoked.")
E403 = error_example(403, "FORBIDDEN", "You do not have permission to do this.")
E404 = error_example(404, "DATA_NOT_FOUND", "Not found.")
E422 = error_example(422, "VALIDATION_ERROR", "The request is not valid.", {"body": ["Write your message."]})
E422_CLOSED = error_example(422, "TRANSITION_NOT_ALLOWED", "This thread is closed: start a new thread to ask again.")
READ_ERRORS = [E401, E403, E404]
WRITE_ERRORS = [E401, E403, E404, E422, E422_CLOSED]
