"""Notification test data: the context of the report-ready notice (the first email template)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from apps.reports.models import Report
from tests.conftest import World
from tests.isolation.routes.reports import make_report

REPORT_TITLE = "Profil unit kerja — Direktorat Pelayanan A1 & Mitra"


def report_ready_context(world: World) -> tuple[dict[str, Any], str]:
    """``(context, link)`` for ``notify(template="report-ready", ...)`` about a finished report of A."""
    report: Report = make_report(world, title=REPORT_TITLE)
    return {"report": report}, reverse("reports:report-detail", kwargs={"public_id": report.public_id})
