"""Isolation entries for reports: A's reports are 404 and absent from lists for instansi B."""

from __future__ import annotations

from django.core.files.base import ContentFile

from apps.reports.models import Report, ReportStatus
from tests.isolation.registry import ListRoute, ObjectRoute

PDF = b"%PDF-1.7\n% rahasia A\n"


def make_report(world, *, status: str = ReportStatus.DONE, title: str = "Profil rahasia A1") -> Report:
    """A finished unit profile of instansi A (file and hash set, as the renderer leaves it)."""
    report = Report(
        instansi=world.instansi_a,
        kind="unit_profile",
        params={"unit": str(world.unit_a1.public_id)},
        title=title,
        requested_by=world.ani,
        status=status,
    )
    if status == ReportStatus.DONE:
        report.file.save("laporan.pdf", ContentFile(PDF), save=False)
        report.sha256 = "0" * 64
    report.save()
    return report


def _kwargs(world) -> dict:
    return {"public_id": make_report(world).public_id}


OBJECT_ROUTES = [
    ObjectRoute("reports:report-detail", _kwargs),
    ObjectRoute("reports:report-status", _kwargs),
    ObjectRoute("reports:report-download", _kwargs),
]

LIST_ROUTES = [
    ListRoute("reports:report-list", lambda w: ({}, make_report(w).title)),
]

EXEMPT_ROUTES = {
    # The object is in the POST body (kind + unit=<public_id>), which the suite's static data cannot
    # name; tests/reports/test_views.py::test_outsider_requesting_a_unit_of_a_gets_404 covers it.
    "reports:report-create": "POST-only; its parameters are checked by report_request (outsider test in tests/reports)",
}

TENANT_MODELS = {
    Report: make_report,
}
