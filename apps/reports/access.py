"""access_report: a report is reached only inside its instansi, by those who may see its kind."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.reports.models import Report
from apps.reports.registry import report_kind_get
from apps.tenancy.access import get_in_scope_or_404
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap


def access_report(actor: Membership | None, public_id: object, *, for_write: bool = False) -> Report:
    """Another instansi's (or a missing) report → 404; a kind the actor may not see → 403.

    ``for_write`` is accepted for the common access signature; reports have no write views (a new
    generation is a new row through ``report_request``).
    """
    if actor is None:
        raise Http404
    report = get_in_scope_or_404(Report, actor, public_id)
    definition = report_kind_get(report.kind)
    # A kind no longer registered stays visible to whoever may request reports at all.
    capability = definition.capability if definition is not None else Cap.REPORT_CREATE
    if not actor.can(capability):
        raise PermissionDenied
    return report
