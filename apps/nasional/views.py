"""The national read-only pages for KemenPANRB and TPN: counts, the proposal list, one proposal
with its frozen snapshot, one unit.

Only national members with ``Cap.NATIONAL_VIEW`` get in; every instansi member gets 403 (they have
no national rows to see). GET only (405 otherwise). Every read goes through ``apps.nasional.selectors``
(the national ``unscoped`` exception, DESIGN §4).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.nasional import selectors
from apps.nasional.forms import ProposalFilterForm, YearForm
from apps.tenancy.decorators import national_required
from apps.tenancy.roles import Cap
from apps.tpn.forms import TPNResultForm
from zi.db.replica import replica_reading

PAGE_SIZE = 50

View = Callable[..., HttpResponse]


def national_view(view: View) -> View:
    """GET only; a national member holding ``Cap.NATIONAL_VIEW``; 403 for anybody else."""

    @require_GET
    @national_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.membership.can(Cap.NATIONAL_VIEW):  # type: ignore[attr-defined]
            raise PermissionDenied
        with replica_reading():  # heavy national reads: the replica when one is configured
            return view(request, *args, **kwargs)

    return wrapped


def _tahun(form: YearForm | ProposalFilterForm) -> int | None:
    form.is_valid()
    return form.cleaned_data.get("tahun")


@national_view
def dashboard(request: HttpRequest) -> HttpResponse:
    years = selectors.years_with_proposals()
    form = YearForm(request.GET, years=years)
    tahun = _tahun(form) or (years[0] if years else None)
    return render(
        request,
        "nasional/dashboard.html",
        {"form": form, "years": years, "tahun": tahun, "counts": selectors.national_counts(tahun=tahun)},
    )


@national_view
def pengusulan_list(request: HttpRequest) -> HttpResponse:
    years = selectors.years_with_proposals()
    form = ProposalFilterForm(request.GET, years=years)
    filters = form.filters()
    # The year defaults to the latest one with proposals; the others are "all".
    filters.setdefault("tahun", years[0] if years else None)
    paginator = Paginator(selectors.proposal_queryset(**filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("halaman"))
    return render(
        request,
        "nasional/pengusulan_list.html",
        {
            "form": form,
            "tahun": filters["tahun"],
            "page": page,
            "rows": selectors.proposal_rows(list(page.object_list)),
        },
    )


@national_view
def pengusulan_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    pengusulan = selectors.pengusulan_national(public_id=public_id)
    if pengusulan is None:
        raise Http404
    current = selectors.snapshot_current_national(pengusulan=pengusulan)
    tiers, lines = selectors.score_table(current.data) if current else ([], [])
    recommendation = current.data.get("recommendation") if current else None
    stage = selectors.proposal_stage(pengusulan)
    return render(
        request,
        "nasional/pengusulan_detail.html",
        {
            "pengusulan": pengusulan,
            "stage": stage,
            "stage_label": selectors.stage_label(stage),
            "tpn_results": selectors.tpn_results_national(pengusulan=pengusulan),
            "province": selectors.province_label(pengusulan.instansi.province),
            "current": current,
            "tiers": tiers,
            "lines": lines,
            "recommendation": recommendation,
            "recommendation_label": selectors.recommendation_label(recommendation),
            "history": selectors.snapshot_history_national(pengusulan=pengusulan),
            # TPN in the browser (issue 17): the forms post to apps.tpn.web_views.
            "can_evaluate": request.membership.can(Cap.TPN_EVALUATE),  # type: ignore[attr-defined]
            "can_decide": request.membership.can(Cap.TPN_DECIDE),  # type: ignore[attr-defined]
            "result_form": TPNResultForm(),
        },
    )


@national_view
def unit_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    unit = selectors.unit_national(public_id=public_id)
    if unit is None:
        raise Http404
    return render(
        request,
        "nasional/unit_detail.html",
        {
            "unit": unit,
            "province": selectors.province_label(unit.instansi.province),
            "rows": selectors.proposal_rows(list(selectors.unit_proposals_national(unit=unit))),
            "predikat": selectors.unit_predikat_national(unit=unit),
        },
    )
