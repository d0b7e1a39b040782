"""Shapes of ``/api/v1/``: they validate the input and document every payload in the OpenAPI schema."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample
from rest_framework import serializers

from apps.api.serializers import InstansiRefSerializer, UnitRefSerializer, error_example
from apps.pengusulan.models import PengusulanStatus, Predikat
from apps.tenancy.models import InstansiKind
from apps.tenancy.provinces import PROVINCES
from apps.tpn.models import Outcome, Stage
from apps.tpn.selectors import NationalStage

# ----------------------------------------------------------------------------- input


class ProposalFilterSerializer(serializers.Serializer):
    tahun = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    predikat = serializers.ChoiceField(choices=Predikat.choices, required=False)
    status = serializers.ChoiceField(choices=[PengusulanStatus.PROPOSED, PengusulanStatus.WITHDRAWN], required=False)
    stage = serializers.ChoiceField(choices=list(NationalStage.ALL), required=False)
    instansi_kind = serializers.ChoiceField(choices=InstansiKind.choices, required=False)
    province = serializers.ChoiceField(choices=[code for code, _name in PROVINCES], required=False)


class ResultInputSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    outcome = serializers.ChoiceField(
        choices=Outcome.choices,
        required=False,
        allow_blank=True,
        help_text="administrasi: lulus | lulus_catatan | tidak_lulus; sanggahan: diterima | ditolak; desk and "
        "lapangan: selesai (default); penetapan: ditetapkan_wbk | ditetapkan_wbbm | tidak_ditetapkan; "
        "pencabutan: dicabut.",
    )
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10000, trim_whitespace=True)
    decree_number = serializers.CharField(required=False, allow_blank=True, max_length=100)
    decree_date = serializers.DateField(required=False, allow_null=True)
    revoked_on = serializers.DateField(required=False, allow_null=True)
    override_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10000,
        help_text="penetapan ditetapkan_*: required when the TPN-tier score misses a threshold of the predikat "
        "(shown to the instansi).",
    )


class TPNAnswerInputSerializer(serializers.Serializer):
    soal_id = serializers.IntegerField(min_value=1, max_value=2_000_000_000, help_text="PortalRB soal id.")
    answer = serializers.CharField(allow_null=True, allow_blank=True, max_length=20)
    note = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class TPNAnswersInputSerializer(serializers.Serializer):
    answers = TPNAnswerInputSerializer(many=True, allow_empty=False, max_length=1000)


# ----------------------------------------------------------------------------- output


class ProposalSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField(help_text="The pengusulan's public id.")
    tahun = serializers.IntegerField()
    predikat = serializers.ChoiceField(choices=Predikat.choices)
    kategori = serializers.ChoiceField(choices=["WBK", "WBK-AFIRMASI", "WBBM", "WBBM-AFIRMASI"])
    afirmasi = serializers.BooleanField()
    status = serializers.ChoiceField(choices=PengusulanStatus.choices)
    stage = serializers.ChoiceField(choices=list(NationalStage.ALL))
    proposed_at = serializers.DateTimeField(allow_null=True)
    instansi = InstansiRefSerializer()
    unit = UnitRefSerializer()


class AnsweredSerializer(serializers.Serializer):
    answered = serializers.IntegerField()
    total = serializers.IntegerField()


class CompletenessSerializer(AnsweredSerializer):
    areas = serializers.DictField(child=serializers.DictField(child=AnsweredSerializer()))


class ScoreSetSerializer(serializers.Serializer):
    pemenuhan = serializers.CharField()
    reform = serializers.CharField()
    pengungkit = serializers.CharField()
    hasil = serializers.CharField()
    total = serializers.CharField()
    areas = serializers.DictField(child=serializers.DictField(child=serializers.CharField()))
    completeness = CompletenessSerializer(
        required=False, help_text="Soal answered of the total, overall and per area (absent in older snapshots)."
    )


class SnapshotMetaSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    sha256 = serializers.CharField()
    frozen_at = serializers.DateTimeField()


class ResultSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    notes = serializers.CharField(allow_blank=True)
    scores = ScoreSetSerializer(allow_null=True, help_text="TPN-tier scores (desk results only).")
    decree_number = serializers.CharField(allow_blank=True)
    decree_date = serializers.DateField(allow_null=True)
    revoked_on = serializers.DateField(allow_null=True)
    override_reason = serializers.CharField(allow_blank=True)
    recorded_by = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class ProposalDetailSerializer(ProposalSummarySerializer):
    snapshot = SnapshotMetaSerializer(allow_null=True)
    scores = serializers.DictField(child=ScoreSetSerializer(), help_text="Per tier (unit, tpi1…), from the snapshot.")
    tpn_scores = ScoreSetSerializer(allow_null=True, help_text="From the latest desk result.")
    results = ResultSerializer(many=True)


class TierAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class EvidenceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    sha256 = serializers.CharField()


class NationalAnswerSerializer(serializers.Serializer):
    soal_id = serializers.IntegerField()
    tiers = serializers.DictField(child=TierAnswerSerializer())
    evidence_link = serializers.CharField(allow_null=True, help_text="The unit's own link, if any.")
    evidence = EvidenceSerializer(many=True)
    evidence_url = serializers.CharField(
        allow_null=True, help_text="A signed, expiring link to the frozen evidence files of this soal."
    )


class AnswersDocumentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    tahun = serializers.IntegerField()
    unit = UnitRefSerializer()
    snapshot = SnapshotMetaSerializer(allow_null=True)
    tiers = serializers.ListField(child=serializers.CharField())
    answers = NationalAnswerSerializer(many=True)


class TPNScoresSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    tier = serializers.CharField()
    saved = serializers.IntegerField()
    scores = ScoreSetSerializer(allow_null=True)


class PredikatSerializer(serializers.Serializer):
    predikat = serializers.ChoiceField(choices=Predikat.choices)
    tahun = serializers.IntegerField()
    decree_number = serializers.CharField()
    decree_date = serializers.DateField()
    revoked_at = serializers.DateField(allow_null=True)
    revoked_reason = serializers.CharField(allow_blank=True)


class UnitDocumentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    nama = serializers.CharField()
    kind = serializers.CharField()
    instansi = InstansiRefSerializer()
    proposals = ProposalSummarySerializer(many=True)
    predikat = PredikatSerializer(many=True)


# ----------------------------------------------------------------------------- examples

PENGUSULAN_ID = "5b9d7c1e-2f4a-4e8b-9c3d-1a2b3c4d5e6f"
SCORES = {
    "pemenuhan": "24.5",
    "reform": "20.1",
    "pengungkit": "44.6",
    "hasil": "30.2",
    "total": "74.8",
    "areas": {"pemenuhan": {"1": "4.2"}, "reform": {"1": "3.5"}},
}
SUMMARY = {
    "id": PENGUSULAN_ID,
    "tahun": 2026,
    "predikat": "WBK",
    "kategori": "WBK",
    "afirmasi": False,
    "status": "proposed",
    "stage": "administrasi_lulus",
    "proposed_at": "2026-05-20T09:30:00+07:00",
    "instansi": {
        "id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
        "code": "kota-bandung",
        "nama": "Pemerintah Kota Bandung",
        "kind": "kota",
        "province": "32",
    },
    "unit": {"id": "3f0c1a52-9a7e-4c1e-8d0b-2b6f1c7e9a10", "code": "DPMPTSP", "nama": "DPMPTSP Kota Bandung"},
}
RESULT = {
    "id": "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",
    "stage": "administrasi",
    "outcome": "lulus",
    "notes": "Dokumen lengkap.",
    "scores": None,
    "decree_number": "",
    "decree_date": None,
    "revoked_on": None,
    "override_reason": "",
    "recorded_by": "Tim Penilai Nasional 1",
    "recorded_at": "2026-06-15T10:00:00+07:00",
}

LIST_EXAMPLE = OpenApiExample(
    "list",
    value={
        "next": "https://zi.example.go.id/api/v1/pengusulan/?cursor=cD0yMDI2",
        "previous": None,
        "results": [SUMMARY],
    },
    response_only=True,
)
DETAIL_EXAMPLE = OpenApiExample(
    "detail",
    value={
        **SUMMARY,
        "snapshot": {"number": 1, "sha256": "ab" * 32, "frozen_at": "2026-05-20T09:30:00+07:00"},
        "scores": {"unit": SCORES, "tpi1": SCORES},
        "tpn_scores": None,
        "results": [RESULT],
    },
    response_only=True,
)
ANSWERS_EXAMPLE = OpenApiExample(
    "answers",
    value={
        "id": PENGUSULAN_ID,
        "tahun": 2026,
        "unit": SUMMARY["unit"],
        "snapshot": {"number": 1, "sha256": "ab" * 32, "frozen_at": "2026-05-20T09:30:00+07:00"},
        "tiers": ["unit", "tpi1", "tpn"],
        "answers": [
            {
                "soal_id": 1,
                "tiers": {
                    "unit": {"answer": "Ya", "note": "SK tim kerja terbit Januari"},
                    "tpi1": {"answer": "Ya", "note": "Sesuai"},
                    "tpn": {"answer": "Ya", "note": ""},
                },
                "evidence_link": None,
                "evidence": [{"id": "7d1e2f40-0b5c-4a8e-9f3d-6c2a1b0e4d77", "name": "sk.pdf", "sha256": "cd" * 32}],
                "evidence_url": "https://zi.example.go.id/portalrb/bukti/eyJ…/",
            }
        ],
    },
    response_only=True,
)
RESULT_REQUEST_EXAMPLES = [
    OpenApiExample(
        "administrasi",
        value={"stage": "administrasi", "outcome": "lulus", "notes": "Dokumen lengkap."},
        request_only=True,
    ),
    OpenApiExample(
        "sanggahan",
        value={"stage": "sanggahan", "outcome": "diterima", "notes": "SPTJM susulan diterima."},
        request_only=True,
    ),
    OpenApiExample("desk", value={"stage": "desk", "notes": "Desk evaluation selesai."}, request_only=True),
    OpenApiExample(
        "lapangan", value={"stage": "lapangan", "notes": "Observasi layanan dan wawancara."}, request_only=True
    ),
    OpenApiExample(
        "penetapan",
        value={
            "stage": "penetapan",
            "outcome": "ditetapkan_wbk",
            "decree_number": "KEP-123/M.PANRB/12/2026",
            "decree_date": "2026-12-09",
        },
        request_only=True,
    ),
    OpenApiExample(
        "pencabutan",
        value={"stage": "pencabutan", "notes": "Kepala unit ditetapkan tersangka.", "revoked_on": "2027-03-01"},
        request_only=True,
    ),
]
RESULT_EXAMPLE = OpenApiExample("result", value=RESULT, response_only=True, status_codes=["201"])
TPN_ANSWERS_REQUEST_EXAMPLE = OpenApiExample(
    "jawaban-tpn",
    value={"answers": [{"soal_id": 1, "answer": "Ya", "note": "Sesuai"}, {"soal_id": 2, "answer": "B", "note": ""}]},
    request_only=True,
)
TPN_SCORES_EXAMPLE = OpenApiExample(
    "tpn-scores", value={"id": PENGUSULAN_ID, "tier": "tpn", "saved": 2, "scores": SCORES}, response_only=True
)
UNIT_EXAMPLE = OpenApiExample(
    "unit",
    value={
        **SUMMARY["unit"],
        "kind": "dinas",
        "instansi": SUMMARY["instansi"],
        "proposals": [SUMMARY],
        "predikat": [
            {
                "predikat": "WBK",
                "tahun": 2024,
                "decree_number": "KEP-88/M.PANRB/12/2024",
                "decree_date": "2024-12-10",
                "revoked_at": None,
                "revoked_reason": "",
            }
        ],
    },
    response_only=True,
)


E401 = error_example(401, "UNAUTHORIZED", "The API token is missing, wrong or revoked.")
E403 = error_example(403, "FORBIDDEN", "You do not have permission to do this.")
E404 = error_example(404, "DATA_NOT_FOUND", "Not found.")
E422 = error_example(422, "VALIDATION_ERROR", "The request is not valid.", {"decree_date": ["Give the decree date."]})
E422_ORDER = error_example(
    422,
    "TRANSITION_NOT_ALLOWED",
    "A desk result cannot be recorded now: the proposal is at stage administrasi_tidak_lulus.",
)
READ_ERRORS = [E401, E403, E404]
WRITE_ERRORS = [E401, E403, E404, E422, E422_ORDER]
