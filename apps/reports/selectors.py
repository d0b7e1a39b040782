"""Reads of reports."""

from __future__ import annotations

import json
from typing import Any

from apps.reports.access import report_is_visible
from apps.reports.models import Report
from apps.reports.registry import report_kinds_for
from apps.tenancy.models import Membership


def report_list(*, actor: Membership, kind: str | None = None, params: dict[str, Any] | None = None) -> list[Report]:
    """The instansi's reports the actor may see, newest first: of the kinds they may see, about
    subjects they reach (``report_is_visible``, the same rule as the report's page and download).
    Reports about one subject share one check. ``kind`` and ``params`` narrow the list (e.g. the
    LHE of one penilaian)."""
    kinds = [definition.kind for definition in report_kinds_for(actor)]
    reports = (
        Report.objects.filter(instansi_id=actor.instansi_id, kind__in=kinds)  # type: ignore[misc]  # no instansi: no row
        .select_related("requested_by")
        .order_by("-created_at", "-id")
    )
    if kind is not None:
        reports = reports.filter(kind=kind)
    for name, value in (params or {}).items():
        reports = reports.filter(**{f"params__{name}": value})
    verdicts: dict[tuple[str, str], bool] = {}
    visible = []
    for report in reports:
        key = (report.kind, json.dumps(report.params, sort_keys=True))
        if key not in verdicts:
            verdicts[key] = report_is_visible(actor, report)
        if verdicts[key]:
            visible.append(report)
    return visible
