"""The full answer sheet (lembar jawaban) PDF: every soal with each tier's answer and note, the
unit's evidence and the return history, rendered by the reports service (and by a real Celery
worker in tests/reports) and read back with pypdf; requested by the LHE's audience only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.core.errors import PermissionDeniedError
from apps.penilaian.answer_sheet import ANSWER_SHEET, build_answer_sheet_context
from apps.penilaian.models import Jawaban, Tier
from apps.reports.models import Report, ReportStatus
from apps.reports.services import report_render, report_request
from apps.tenancy.scope import scope
from tests.penilaian.conftest import LKEWorld
from tests.penilaian.test_lhe import RETURN_NOTE, pdf_text, reviewed_in_three_tiers


def request_sheet(lke: LKEWorld, user, instansi=None):
    with scope((instansi or lke.world.instansi_a).pk):
        return report_request(
            actor=lke.actor(user), kind=ANSWER_SHEET, params={"penilaian": str(lke.penilaian.public_id)}
        )


def test_the_answer_sheet_lists_every_soal_with_every_tier_evidence_and_returns(lke: LKEWorld) -> None:
    reviewed_in_three_tiers(lke)
    with scope(lke.world.instansi_a.pk):
        row = Jawaban.objects.get(tier=Tier.UNIT, soal__portalrb_soal_id=2)
        row.evidence_link = "https://drive.example.go.id/bukti-soal-2"
        row.save(update_fields=["evidence_link"])
        context = build_answer_sheet_context(
            instansi=lke.world.instansi_a, params={"penilaian": str(lke.penilaian.public_id)}
        )
    items = [line.item for line in context["lines"] if line.item is not None]
    assert len(items) == 127
    assert [len(item.tiers) for item in items] == [4] * 127  # unit + three TPI tiers
    first = next(item for item in items if item.soal.portalrb_soal_id == 1)
    assert first.returns
    assert first.returns[0].note == RETURN_NOTE
    report = request_sheet(lke, lke.world.budi)
    with scope(lke.world.instansi_a.pk):
        assert report_render(report_id=report.pk) is True
        report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    text = pdf_text(report.file.open("rb").read())
    assert lke.world.unit_a1.name in text
    for item in items[::10]:
        assert item.soal.text[:40] in text  # every soal is printed (sampled)
    assert "Catatan TPI 2 soal 10" in text
    assert "Catatan unit 127" in text
    assert "https://drive.example.go.id/bukti-soal-2" in text
    assert RETURN_NOTE[:40] in text
    assert "SK terlampir" in text


def test_the_unit_operator_may_not_request_it_the_tpi_reviewer_may(lke: LKEWorld, login) -> None:
    with pytest.raises(PermissionDeniedError):
        request_sheet(lke, lke.world.ani)
    with scope(lke.world.instansi_a.pk):
        assert not Report.objects.filter(kind=ANSWER_SHEET).exists()
    report = request_sheet(lke, lke.world.budi)  # the assigned TPI reviewer gets in
    assert report.kind == ANSWER_SHEET
    detail = reverse("reports:report-detail", kwargs={"public_id": report.public_id})
    assert login(lke.world.budi).get(detail).status_code == 200
    assert login(lke.world.ani).get(detail).status_code == 403
    assert login(lke.world.dodi).get(detail).status_code == 404
