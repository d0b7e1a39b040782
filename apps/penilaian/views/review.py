"""Pages of the TPI: set-up (tiers, assignments) for the admin ZI, and the review for TPI members.

Thin shells: one access call, one form, one service call, a flash message and a redirect. Object
pages resolve their id through ``access_*`` (``apps.penilaian.access``) *before* any capability check, so
another instansi's object is always 404. On a service refusal the form is shown again with the
message beside the field, and nothing was saved. The per-soal forms post over HTMX and get their
own row back; without JavaScript they redirect to the section page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.concurrency import VERSION_CONFLICT, VersionConflict
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.forms import NO_YEAR, apply_service_error, run_service
from apps.lke.models import Soal
from apps.penilaian import selectors
from apps.penilaian.access import access_item_return, access_penilaian_review, access_tpi_assignment
from apps.penilaian.forms.review import (
    CopyBelowForm,
    RecommendationForm,
    ReturnForm,
    ReviewAnswerForm,
    TPIAssignForm,
    TPITiersForm,
)
from apps.penilaian.models import Tier
from apps.penilaian.pages import review
from apps.penilaian.sections import section_get_or_404, section_slug_of
from apps.penilaian.services import answers, setup
from apps.penilaian.services import review as review_services
from apps.reports.services import report_request
from apps.tenancy.decorators import capability_required, instansi_member_required, request_actor
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.selectors import cycle_current, cycle_get_by_tahun, cycle_list

TIERS_SAVED = _("The TPI tiers were saved.")
ASSIGNED = _("%(reviewer)s now reviews %(unit)s at tier %(level)s.")
UNASSIGNED = _("The assignment was removed.")
ANSWER_SAVED = _("Saved.")
RETURNED = _("The item was returned for revision. Send the LKE back to the unit when you have returned everything.")
ACCEPTED = _("The fixed item was accepted.")
SENT_BACK = _("The LKE was sent back to the unit with the returned items.")
HANDED_OVER = _("Your tier is complete. The LKE now waits on tier %(level)s.")
CLOSED = _("The TPI review is closed. Record the recommendation to the pimpinan instansi.")
COPIED = _("%(count)s answers were copied from the tier below. Check them before completing your tier.")
NOTHING_COPIED = _("Nothing to copy: every item the tier below answered already has your answer.")
RECOMMENDED = _("The recommendation was recorded. The LHE (Laporan Hasil Evaluasi) is being generated.")
RETURNED_UNANSWERED = _("%(count)s unanswered items were returned to the unit and the LKE was sent back.")
RECOMMENDED_NO_REPORT = _("The recommendation was recorded.")
UNNAMED_TIER = _("TPI (one tier)")


# -----------------------------------------------------------------------------
# Set-up (admin ZI)
# -----------------------------------------------------------------------------


@capability_required(Cap.PENILAIAN_MANAGE)
@require_http_methods(["GET", "POST"])
def tpi_tiers(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    current = selectors.tpi_tiers(instansi=actor.instansi)
    form = TPITiersForm(
        request.POST if request.method == "POST" else None,
        initial={
            "names": [t.name for t in current],
            "seen": setup.tpi_tiers_digest(instansi_id=actor.instansi_id),
        },
    )
    if form.is_valid():
        try:
            done = run_service(
                form,
                lambda: setup.tpi_tiers_set(
                    actor=actor, names=form.cleaned_data["names"], seen=form.cleaned_data["seen"]
                ),
                reraise=(VersionConflict,),
            )
        except VersionConflict:
            # Another admin saved meanwhile: the person's names come back, now based on what is saved.
            data = request.POST.copy()
            data["seen"] = setup.tpi_tiers_digest(instansi_id=actor.instansi_id)
            form = TPITiersForm(data)
            form.is_valid()
            form.add_error(None, VERSION_CONFLICT)
            current = selectors.tpi_tiers(instansi=actor.instansi)
            done = None
        if done is not None:
            messages.success(request, TIERS_SAVED)
            return redirect("penilaian:tpi-tiers")
    return render(request, "penilaian/tpi_tiers.html", {"form": form, "tiers": current})


def _assignment_page(request: HttpRequest, form: TPIAssignForm | None, cycle: Any) -> HttpResponse:
    actor = request_actor(request)
    context = {
        "cycles": cycle_list(instansi=actor.instansi),
        "cycle": cycle,
        "form": form,
        "assignments": list(selectors.tpi_assignment_list(instansi=actor.instansi_id, cycle=cycle)) if cycle else [],
        "tier_names": selectors.tpi_tier_names(instansi_id=actor.instansi_id),
    }
    return render(request, "penilaian/tpi_assignments.html", context)


def _assign_form(actor: Membership, cycle: Any, data: Any = None) -> TPIAssignForm:
    return TPIAssignForm(
        data,
        units=selectors.tpi_assignable_units(instansi=actor.instansi_id, cycle=cycle),
        reviewers=selectors.tpi_reviewer_choices(instansi=actor.instansi_id),
        # Without named tiers the instansi reviews in one tier: level 1 is still assignable.
        tiers=selectors.tpi_tier_names(instansi_id=actor.instansi_id) or {1: str(UNNAMED_TIER)},
    )


@capability_required(Cap.PENILAIAN_MANAGE)
@require_http_methods(["GET", "POST"])
def tpi_assignments(request: HttpRequest) -> HttpResponse:
    """The year's assignments (``?tahun=``, default the current year) and the form to add one."""
    actor = request_actor(request)
    raw = request.GET.get("tahun", "")
    cycle = (
        cycle_get_by_tahun(instansi=actor.instansi, tahun=int(raw))
        if raw.isdigit()
        else cycle_current(instansi=actor.instansi_id)
    )
    if cycle is None and raw:
        raise Http404
    if cycle is None:
        if request.method == "POST":
            raise Http404
        messages.info(request, NO_YEAR)
        return _assignment_page(request, None, None)
    form = _assign_form(actor, cycle, request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: setup.tpi_assign(
                actor=actor, cycle=cycle, unit=data["unit"], reviewer=data["reviewer"], level=data["level"]
            ),
        )
        if done is not None:
            messages.success(
                request,
                ASSIGNED % {"reviewer": done.reviewer, "unit": done.unit.name, "level": done.level},
            )
            return redirect(f"{reverse('penilaian:tpi-assignments')}?tahun={cycle.tahun}")
    return _assignment_page(request, form, cycle)


@instansi_member_required
@require_POST
def tpi_assignment_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    assignment = access_tpi_assignment(actor, public_id)
    tahun = assignment.cycle.tahun
    try:
        setup.tpi_unassign(actor=actor, assignment=assignment)
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    messages.success(request, UNASSIGNED)
    return redirect(f"{reverse('penilaian:tpi-assignments')}?tahun={tahun}")


# -----------------------------------------------------------------------------
# Review (TPI members)
# -----------------------------------------------------------------------------


@capability_required(Cap.PENILAIAN_REVIEW)
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    rows = selectors.review_queue(actor=actor)
    context = {
        "rows": rows,
        "waiting": [row for row in rows if row.waits_on_me],
        "tier_names": selectors.tpi_tier_names(instansi_id=actor.instansi_id),
    }
    return render(request, "penilaian/review_list.html", context)


def _render_summary(request: HttpRequest, page: review.SummaryPage, penilaian: Any) -> HttpResponse:
    context = {"page": page, "penilaian": penilaian, "lhe_params": {"penilaian": penilaian.public_id}}
    return render(request, "penilaian/review_summary.html", context)


@instansi_member_required
@require_GET
def review_summary(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    penilaian = access_penilaian_review(actor, public_id)
    page = review.summary_page(actor=actor, penilaian=penilaian)
    return _render_summary(request, page, penilaian)


@instansi_member_required
@require_GET
def review_section(request: HttpRequest, public_id: uuid.UUID, section: str) -> HttpResponse:
    actor = request_actor(request)
    penilaian = access_penilaian_review(actor, public_id)
    page = review.review_page(actor=actor, penilaian=penilaian, slug=section)
    return render(request, "penilaian/review_section.html", {"page": page, "penilaian": penilaian})


def _soal(penilaian: Any, soal_id: int) -> Soal:
    soal = selectors.soal_get(penilaian=penilaian, soal_id=soal_id)
    if soal is None:
        raise Http404
    return soal


def _item_response(
    request: HttpRequest,
    penilaian: Any,
    soal: Soal,
    *,
    form: ReviewAnswerForm | None = None,
    return_form: ReturnForm | None = None,
    message: Any = None,
    error: Any = None,
) -> HttpResponse:
    """HTMX: the soal's row again, with what happened. Otherwise: back to the section page at that
    soal with a flash message; a refused form is shown with its errors on the full section page."""
    actor = request_actor(request)
    refused_form = (form is not None and bool(form.errors)) or (return_form is not None and bool(return_form.errors))
    if request.htmx or refused_form:
        context, item = review.review_item(
            actor=actor,
            penilaian=penilaian,
            soal=soal,
            form=form,
            return_form=return_form,
            message=message,
            error=error,
        )
        if request.htmx:
            return render(
                request, "penilaian/partials/rv_item.html", {"item": item, "rv": context, "penilaian": penilaian}
            )
        page = review.review_page(actor=actor, penilaian=penilaian, slug=item.section)
        page.items = [item if row.number == item.number else row for row in page.items]
        return render(request, "penilaian/review_section.html", {"page": page, "penilaian": penilaian})
    if error:
        messages.error(request, error)
    elif message:
        messages.success(request, message)
    url = reverse("penilaian:review", kwargs={"public_id": penilaian.public_id, "section": section_slug_of(soal)})
    return redirect(f"{url}#soal-{soal.portalrb_soal_id}")


@instansi_member_required
@require_POST
def review_save(request: HttpRequest, public_id: uuid.UUID, soal_id: int) -> HttpResponse:
    """Save the current tier's answer and note to one soal, from the version the page loaded."""
    actor = request_actor(request)
    penilaian = access_penilaian_review(actor, public_id)
    soal = _soal(penilaian, soal_id)
    form = ReviewAnswerForm(request.POST, soal=soal)
    if not form.is_valid():
        return _item_response(request, penilaian, soal, form=form)
    data = form.cleaned_data
    try:
        answers.jawaban_review_save(
            actor=actor,
            penilaian=penilaian,
            soal=soal,
            answer=data["answer"] or None,
            note=data["note"],
            version=data["version"],
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    except ConflictError as exc:
        # Keep what the person typed; carry the saved version so a deliberate second save wins.
        current = selectors.jawaban_get(penilaian=penilaian, soal=soal, tier=Tier.TPI, level=penilaian.current_level)
        form = ReviewAnswerForm({**request.POST.dict(), "version": current.version if current else 0}, soal=soal)
        form.is_valid()
        form.add_error(None, str(exc))
        return _item_response(request, penilaian, soal, form=form)
    except (ValidationError, DomainError) as exc:
        apply_service_error(form, exc)
        return _item_response(request, penilaian, soal, form=form)
    return _item_response(request, penilaian, soal, message=ANSWER_SAVED)


@instansi_member_required
@require_POST
def review_return(request: HttpRequest, public_id: uuid.UUID, soal_id: int) -> HttpResponse:
    """Return one soal to the unit with what to fix."""
    actor = request_actor(request)
    penilaian = access_penilaian_review(actor, public_id)
    soal = _soal(penilaian, soal_id)
    form = ReturnForm(request.POST, soal=soal)
    if form.is_valid() and run_service(
        form,
        lambda: review_services.item_return(
            actor=actor, penilaian=penilaian, soal=soal, note=form.cleaned_data["note"]
        ),
    ):
        return _item_response(request, penilaian, soal, message=RETURNED)
    return _item_response(request, penilaian, soal, return_form=form)


@instansi_member_required
@require_POST
def review_accept(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Accept a fixed item after re-checking it."""
    actor = request_actor(request)
    item = access_item_return(actor, public_id)
    soal = _soal(item.penilaian, item.soal.portalrb_soal_id)
    try:
        review_services.item_return_accept(actor=actor, item=item)
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        return _item_response(request, item.penilaian, soal, error=str(exc))
    return _item_response(request, item.penilaian, soal, message=ACCEPTED)


def _refusal(exc: ValidationError | DomainError) -> str:
    """A service's refusal as one sentence for a flash message."""
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def _summary_with_error(request: HttpRequest, penilaian: Any, exc: ValidationError | DomainError) -> HttpResponse:
    messages.error(request, _refusal(exc))
    return redirect("penilaian:review-summary", public_id=penilaian.public_id)


def _workflow_step(request: HttpRequest, public_id: uuid.UUID, step: Callable[[Membership, Any], str]) -> HttpResponse:
    actor = request_actor(request)
    penilaian = access_penilaian_review(actor, public_id)
    try:
        message = step(actor, penilaian)
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    except (ValidationError, DomainError) as exc:
        return _summary_with_error(request, penilaian, exc)
    messages.success(request, message)
    return redirect("penilaian:review-summary", public_id=penilaian.public_id)


@instansi_member_required
@require_POST
def review_send_back(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    def step(actor: Membership, penilaian: Any) -> str:
        review_services.penilaian_send_back(actor=actor, penilaian=penilaian)
        return str(SENT_BACK)

    return _workflow_step(request, public_id, step)


@instansi_member_required
@require_POST
def review_return_unanswered(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Return every soal the unit left blank in one action and send the LKE back (issue 17)."""

    def step(actor: Membership, penilaian: Any) -> str:
        items = review_services.penilaian_return_unanswered(
            actor=actor, penilaian=penilaian, note=request.POST.get("note", "")[:2000]
        )
        return str(RETURNED_UNANSWERED % {"count": len(items)})

    return _workflow_step(request, public_id, step)


@instansi_member_required
@require_POST
def review_complete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    def step(actor: Membership, penilaian: Any) -> str:
        done = review_services.penilaian_tier_complete(actor=actor, penilaian=penilaian)
        if done.status == "closed":
            return str(CLOSED)
        return str(HANDED_OVER % {"level": done.current_level})

    return _workflow_step(request, public_id, step)


@instansi_member_required
@require_POST
def review_copy(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Prefill the current tier's unanswered items from the tier below (one section, or all)."""
    actor = request_actor(request)
    penilaian = access_penilaian_review(actor, public_id)
    form = CopyBelowForm(request.POST)
    if not form.is_valid():
        raise Http404
    slug = form.cleaned_data["section"]
    soal_ids = None
    if slug:
        spec = selectors.penilaian_spec(penilaian)
        soal_ids = list(section_get_or_404(spec, slug).soal_ids)
    back = (
        redirect("penilaian:review", public_id=penilaian.public_id, section=slug)
        if slug
        else redirect("penilaian:review-summary", public_id=penilaian.public_id)
    )
    try:
        count = answers.jawaban_review_copy_below(actor=actor, penilaian=penilaian, soal_ids=soal_ids)
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    except (ValidationError, DomainError) as exc:
        messages.error(request, _refusal(exc))
        return back
    messages.success(request, COPIED % {"count": count} if count else NOTHING_COPIED)
    return back


@instansi_member_required
@require_POST
def review_recommend(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record the recommendation; on success request the LHE PDF and go to its status page."""
    actor = request_actor(request)
    penilaian = access_penilaian_review(actor, public_id)
    form = RecommendationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: review_services.penilaian_recommend(
                actor=actor,
                penilaian=penilaian,
                decision=data["decision"],
                reasons=data["reasons"],
                threshold_reason=data.get("threshold_reason", ""),
            ),
        )
        if done is not None:
            try:
                report = report_request(actor=actor, kind="lhe", params={"penilaian": str(penilaian.public_id)})
            except (PermissionDeniedError, ValidationError):
                # The recommendation stands; the LHE can be requested later by those who may.
                messages.success(request, RECOMMENDED_NO_REPORT)
                return redirect("penilaian:review-summary", public_id=penilaian.public_id)
            messages.success(request, RECOMMENDED)
            return redirect("reports:report-detail", public_id=report.public_id)
    page = review.summary_page(actor=actor, penilaian=penilaian, recommendation_form=form)
    return _render_summary(request, page, penilaian)
