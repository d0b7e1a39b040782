"""Reads of reports."""

from __future__ import annotations

from django.db.models import QuerySet

from apps.reports.models import Report
from apps.reports.registry import report_kinds_for
from apps.tenancy.models import Membership


def report_list(*, actor: Membership) -> QuerySet[Report]:
    """The instansi's reports of the kinds the actor may see, newest first."""
    kinds = [definition.kind for definition in report_kinds_for(actor)]
    return (
        Report.objects.filter(instansi_id=actor.instansi_id, kind__in=kinds)
        .select_related("requested_by")
        .order_by("-created_at", "-id")
    )
