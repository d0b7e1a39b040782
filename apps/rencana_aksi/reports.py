"""The monthly (or quarterly) monitoring report of a unit's rencana aksi as a PDF.

Requested on demand from the plan page (``report_request``), and queued by the beat sweep at each
period's close (``monitoring_report_queue``, a system request with no requester). Both render in
the reports pipeline's worker; the context is read fresh from the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record, audit_record_many
from apps.rencana_aksi import selectors
from apps.rencana_aksi.access import access_rencana_aksi
from apps.rencana_aksi.models import Realisasi, RencanaAksi
from apps.rencana_aksi.periods import period_parse
from apps.reports.models import Report
from apps.reports.registry import ReportParams, register_report
from apps.reports.tasks import render_report as render_report_task
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.roles import Cap

MONITORING_REPORT = "rencana_aksi_monitoring"
TITLE = _("Rencana aksi monitoring report")
RENCANA_REQUIRED = _("Choose the rencana aksi for the report.")
PERIODE_INVALID = _("Choose a monitoring period of the plan's year.")


def clean_monitoring_params(actor: Membership, raw: Mapping[str, Any]) -> ReportParams:
    """``rencana=<public_id>`` the actor may see (else 404) and ``periode`` of its year (default:
    the current period)."""
    public_id = raw.get("rencana")
    if not public_id:
        raise ValidationError({"rencana": RENCANA_REQUIRED}, code="required")
    rencana = access_rencana_aksi(actor, public_id)
    codes = [p.code for p in selectors.periods_of(cycle=rencana.cycle)]
    periode = str(raw.get("periode") or selectors.current_period(cycle=rencana.cycle).code)
    if periode not in codes:
        raise ValidationError({"periode": PERIODE_INVALID}, code="invalid")
    return ReportParams(
        params={"rencana": str(rencana.public_id), "periode": periode}, subject=f"{rencana.unit.name} {periode}"
    )


def build_monitoring_context(*, instansi: Instansi, params: Mapping[str, Any]) -> dict[str, Any]:
    rencana = RencanaAksi.objects.select_related("unit", "cycle", "approved_by").get(
        instansi=instansi, public_id=params["rencana"]
    )
    periode = period_parse(params["periode"])
    if periode is None:  # checked when requested; a hand-made row fails the render cleanly
        raise ValueError(f"invalid period {params['periode']!r}")
    board = selectors.unit_dashboard(rencana=rencana, today=periode.end)
    due = list(selectors.due_in_period(rencana=rencana, periode=periode))
    realisasi = {
        r.kegiatan_id: r
        for r in Realisasi.objects.filter(instansi=instansi, kegiatan__rencana=rencana, periode=periode.code)
        .select_related("verified_by")
        .prefetch_related("evidence")
    }
    rows = [{"kegiatan": k, "realisasi": realisasi.get(k.pk)} for k in due]
    return {
        "unit": rencana.unit,
        "rencana": rencana,
        "periode": periode,
        "board": board,
        "rows": rows,
        "reported": sum(1 for r in rows if r["realisasi"] is not None),
        "progress_chart": selectors.progress_chart(rencana=rencana, until=periode.code),
    }


register_report(
    MONITORING_REPORT,
    title=TITLE,
    template="reports/rencana_aksi_monitoring.html",
    build_context=build_monitoring_context,
    capability=Cap.RENCANA_AKSI_VIEW,
    clean_params=clean_monitoring_params,
)


def monitoring_report_queue(*, rencana: RencanaAksi, periode: str) -> int:
    """Queue the report of a closed period (no requester; the unit finds it in the reports list)
    and return its id; the render is enqueued on commit. The sweep uses the bulk form below."""
    report = Report(
        instansi_id=rencana.instansi_id,
        kind=MONITORING_REPORT,
        params={"rencana": str(rencana.public_id), "periode": periode},
        title=f"{TITLE} — {rencana.unit.name} {periode}"[:255],
        requested_by=None,
    )
    report.full_clean(exclude=["requested_by"])  # a system request has no requester
    report.save()
    audit_record(actor=None, verb="report.request", obj=report, after={"kind": MONITORING_REPORT, "periode": periode})
    render_report_task.delay_on_commit(instansi_id=rencana.instansi_id, report_id=report.pk)
    return report.pk


def monitoring_reports_queue_many(*, instansi_id: int, wanted: list[tuple[RencanaAksi, str]]) -> list[Report]:
    """``monitoring_report_queue`` for many (plan, period) of one instansi in a fixed number of
    queries, without enqueueing (the sweep's per-unit delivery task renders them)."""
    reports = [
        Report(
            instansi_id=instansi_id,
            kind=MONITORING_REPORT,
            params={"rencana": str(rencana.public_id), "periode": periode},
            title=f"{TITLE} — {rencana.unit.name} {periode}"[:255],
            requested_by=None,
        )
        for rencana, periode in wanted
    ]
    Report.objects.bulk_create(reports, batch_size=1000)
    audit_record_many(
        actor=None,
        verb="report.request",
        objs=list(reports),
        after=[{"kind": MONITORING_REPORT, "periode": periode} for _rencana, periode in wanted],
    )
    return reports
