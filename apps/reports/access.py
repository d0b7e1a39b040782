"""access_report: a report is reached only inside its instansi, by those who may see what it is about.

A report inherits the access of its subject (issue 18): besides the kind's capability, the kind's
``clean_params`` — the very check that ran when the report was requested, built on the subject's own
``access_*`` function — runs again for every reader, on every path (list, page, status fragment,
download). So a unit-narrowed member never reaches another unit's profile, and a TPI taken off a unit
no longer reaches its LHE.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from apps.core.errors import PermissionDeniedError
from apps.reports.models import Report
from apps.reports.registry import report_kind_get
from apps.tenancy.access import get_in_scope_or_404
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap


def report_subject_check(actor: Membership, report: Report) -> None:
    """Raise 403 (the kind or the subject is not the actor's to see) or 404 (the subject is out of
    the actor's reach, or gone)."""
    definition = report_kind_get(report.kind)
    # A kind no longer registered stays visible to whoever may request reports at all.
    capability = definition.capability if definition is not None else Cap.REPORT_CREATE
    if not actor.can(capability):
        raise PermissionDenied
    if definition is None:
        return
    try:
        definition.clean_params(actor, report.params)
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:  # the subject no longer exists
        raise Http404 from exc


def report_is_visible(actor: Membership, report: Report) -> bool:
    try:
        report_subject_check(actor, report)
    except (Http404, PermissionDenied):
        return False
    return True


def access_report(actor: Membership | None, public_id: object, *, for_write: bool = False) -> Report:
    """Another instansi's (or a missing) report, or one whose subject is out of reach → 404; a kind
    or subject the actor may not see → 403.

    ``for_write`` is accepted for the common access signature; reports have no write views (a new
    generation is a new row through ``report_request``).
    """
    if actor is None:
        raise Http404
    report = get_in_scope_or_404(Report, actor, public_id)
    report_subject_check(actor, report)
    return report
