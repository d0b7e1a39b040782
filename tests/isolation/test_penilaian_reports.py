"""Isolation of the penilaian PDF reports (the LHE and the full answer sheet, issue 16): another
instansi's penilaian is a 404 when requested, the owner's reviewer gets in, and the render task run
in another instansi's scope finds the report nothing to render."""

from __future__ import annotations

import pytest
from django.http import Http404

from apps.penilaian.answer_sheet import ANSWER_SHEET
from apps.penilaian.models import Penilaian
from apps.penilaian.reports import LHE
from apps.reports.models import Report, ReportStatus
from apps.reports.services import report_render, report_request
from apps.tenancy.scope import scope
from tests.penilaian.conftest import LKEWorld, lke, open_cycle_now  # noqa: F401  (the lke fixture)

KINDS = [LHE, ANSWER_SHEET]


@pytest.mark.parametrize("kind", KINDS)
def test_a_penilaian_of_another_instansi_is_404_and_the_own_one_is_accepted(lke: LKEWorld, kind: str) -> None:  # noqa: F811
    foreign = Penilaian.unscoped.create(
        instansi=lke.world.instansi_b,
        unit=lke.world.unit_b1,
        cycle=open_cycle_now(lke.world.instansi_b),
        template=lke.template,
    )
    with scope(lke.world.instansi_a.pk), pytest.raises(Http404):
        report_request(actor=lke.actor(lke.world.budi), kind=kind, params={"penilaian": str(foreign.public_id)})
    with scope(lke.world.instansi_a.pk):
        own = report_request(
            actor=lke.actor(lke.world.budi), kind=kind, params={"penilaian": str(lke.penilaian.public_id)}
        )
    assert own.params == {"penilaian": str(lke.penilaian.public_id)}


@pytest.mark.parametrize("kind", KINDS)
def test_the_render_task_in_another_scope_renders_nothing(lke: LKEWorld, kind: str) -> None:  # noqa: F811
    with scope(lke.world.instansi_a.pk):
        report = report_request(
            actor=lke.actor(lke.world.budi), kind=kind, params={"penilaian": str(lke.penilaian.public_id)}
        )
    with scope(lke.world.instansi_b.pk):
        assert report_render(report_id=report.pk) is False
    assert Report.unscoped.get(pk=report.pk).status == ReportStatus.QUEUED
    with scope(lke.world.instansi_a.pk):
        assert report_render(report_id=report.pk) is True
    assert Report.unscoped.get(pk=report.pk).status == ReportStatus.DONE
