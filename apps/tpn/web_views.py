"""TPN in the browser (issue 17): national evaluators record the desk answers and every stage's result
from the national proposal page, through the very services ``/api/v1/`` uses (``tpn_answers_save``,
``tpn_result_record``): the same rules, versions, audit and notifications.

National members only (``national_required``); a missing or draft proposal is 404; a result the
role may not record (penetapan by a TPN evaluator) is 403, as in the API.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.errors import DomainError, PermissionDeniedError
from apps.tenancy.decorators import national_required
from apps.tpn import selectors
from apps.tpn.access import access_national_proposal, require_record
from apps.tpn.forms import TPNResultForm
from apps.tpn.services import tpn_answers_save, tpn_result_record

RESULT_RECORDED = _("The TPN result is recorded.")
ANSWERS_SAVED = _("The TPN answers are saved. TPN total: %(total)s.")
NOTHING_ANSWERED = _("Enter at least one TPN answer.")


def _errors(request: HttpRequest, exc: ValidationError | DomainError) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                messages.error(request, f"{field}: {error}")
    else:
        for message in getattr(exc, "messages", None) or [str(exc)]:
            messages.error(request, message)


@national_required
@require_POST
def result_record(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Record one result (the browser twin of ``POST /api/v1/pengusulan/<id>/hasil/``)."""
    pengusulan = access_national_proposal(public_id)
    form = TPNResultForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{field}: {error}")
        return redirect("nasional:pengusulan-detail", public_id=pengusulan.public_id)
    data = form.cleaned_data
    require_record(request.membership, data["stage"])  # type: ignore[attr-defined]
    try:
        tpn_result_record(
            actor=request.membership,  # type: ignore[attr-defined]
            pengusulan=pengusulan,
            stage=data["stage"],
            outcome=data["outcome"] or "",
            notes=data["notes"] or "",
            decree_number=data["decree_number"] or "",
            decree_date=data["decree_date"],
            revoked_on=data["revoked_on"],
            override_reason=data["override_reason"] or "",
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    except (ValidationError, DomainError) as exc:
        _errors(request, exc)
    else:
        messages.success(request, RESULT_RECORDED)
    return redirect("nasional:pengusulan-detail", public_id=pengusulan.public_id)


@national_required
@require_http_methods(["GET", "POST"])
def desk_answers(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The TPN tier's answers, one row per soal beside the final TPI answer (the browser twin of
    ``PUT /api/v1/pengusulan/<id>/jawaban-tpn/``: all or nothing)."""
    pengusulan = access_national_proposal(public_id)
    rows = selectors.tpn_desk_rows(pengusulan=pengusulan)
    status = 200
    if request.method == "POST":
        answers = []
        for row in rows:
            raw = (request.POST.get(f"answer_{row.soal_id}") or "").strip()[:20]
            note = (request.POST.get(f"note_{row.soal_id}") or "").strip()[:10000]
            if raw:
                answers.append({"soal_id": row.soal_id, "answer": raw, "note": note})
        if not answers:
            messages.error(request, NOTHING_ANSWERED)
            status = 400
        else:
            try:
                scores = tpn_answers_save(
                    actor=request.membership,  # type: ignore[attr-defined]
                    pengusulan=pengusulan,
                    answers=answers,
                )
            except PermissionDeniedError as exc:
                raise PermissionDenied from exc
            except (ValidationError, DomainError) as exc:
                _errors(request, exc)
                status = 400
            else:
                messages.success(request, ANSWERS_SAVED % {"total": scores.get("total", "")})
                return redirect("nasional:pengusulan-detail", public_id=pengusulan.public_id)
    return render(request, "tpn/desk_answers.html", {"pengusulan": pengusulan, "rows": rows}, status=status)
