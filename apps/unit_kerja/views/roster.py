"""Pages of the pegawai roster: list, add, edit, leave, transfer, and the link to a login."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.models import User
from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.forms import run_service
from apps.tenancy.decorators import capability_required, instansi_member_required, request_actor
from apps.tenancy.roles import Cap
from apps.unit_kerja import selectors
from apps.unit_kerja.access import (
    access_pegawai,
)
from apps.unit_kerja.forms import (
    PegawaiAccountForm,
    PegawaiFilterForm,
    PegawaiForm,
    PegawaiTransferForm,
)
from apps.unit_kerja.models import (
    Pegawai,
)
from apps.unit_kerja.services import roster
from apps.unit_kerja.views.common import _posted, _run_versioned, _visible_unit

PAGE_SIZE = 50


@capability_required(Cap.PEGAWAI_VIEW)
@require_GET
def pegawai_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    choices = selectors.unit_kerja_visible(actor=actor).order_by("code")
    filters = PegawaiFilterForm(request.GET or None, unit_choices=choices)
    values = filters.cleaned_data if filters.is_valid() else {}
    pegawai = selectors.pegawai_list(
        actor=actor,
        unit=values.get("unit"),
        query=values.get("q") or "",
        include_inactive=bool(values.get("semua")),
    )
    page = Paginator(pegawai, PAGE_SIZE).get_page(request.GET.get("halaman"))
    context = {
        "filters": filters,
        "page": page,
        "counts": selectors.pegawai_counts(actor=actor),
        "can_manage": actor.can(Cap.PEGAWAI_MANAGE),
    }
    return render(request, "unit_kerja/pegawai_list.html", context)


@capability_required(Cap.PEGAWAI_MANAGE)
@require_http_methods(["GET", "POST"])
def pegawai_create(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    unit = _visible_unit(actor, request.GET.get("unit"))
    form = PegawaiForm(
        _posted(request),
        unit_choices=selectors.unit_kerja_choices(actor=actor),
        initial={"unit": unit.public_id if unit else None},
    )
    if form.is_valid():
        pegawai = run_service(form, lambda: roster.pegawai_create(actor=actor, **form.cleaned_data))
        if pegawai is not None:
            messages.success(request, _("%(name)s was added to the roster.") % {"name": pegawai.name})
            return redirect("unit_kerja:unit-detail", public_id=pegawai.unit.public_id)
    return render(request, "unit_kerja/pegawai_form.html", {"form": form, "pegawai": None})


@instansi_member_required
@require_http_methods(["GET", "POST"])
def pegawai_update(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    pegawai = access_pegawai(actor, public_id, for_write=True)
    form = PegawaiForm(
        _posted(request),
        initial={
            "nip": pegawai.nip,
            "name": pegawai.name,
            "position": pegawai.position,
            "rank": pegawai.rank,
            "email": pegawai.email,
            "version": pegawai.version,
        },
    )
    if form.is_valid():
        done, form = _run_versioned(
            request,
            form,
            lambda: roster.pegawai_update(actor=actor, pegawai=pegawai, data=form.cleaned_data),
            lambda data: PegawaiForm(data),
            lambda: Pegawai.objects.get(pk=pegawai.pk).version,
        )
        if done is not None:
            messages.success(request, _("%(name)s was saved.") % {"name": done.name})
            return redirect("unit_kerja:unit-detail", public_id=pegawai.unit.public_id)
    return render(request, "unit_kerja/pegawai_form.html", {"form": form, "pegawai": pegawai})


@instansi_member_required
@require_POST
def pegawai_deactivate(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    pegawai = access_pegawai(actor, public_id, for_write=True)
    try:
        roster.pegawai_deactivate(actor=actor, pegawai=pegawai)
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s was marked as having left.") % {"name": pegawai.name})
    return redirect("unit_kerja:unit-detail", public_id=pegawai.unit.public_id)


@instansi_member_required
@require_http_methods(["GET", "POST"])
def pegawai_transfer(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    pegawai = access_pegawai(actor, public_id, for_write=True)
    form = PegawaiTransferForm(
        _posted(request), unit_choices=selectors.unit_kerja_choices(actor=actor).exclude(pk=pegawai.unit_id)
    )
    if form.is_valid():
        done = run_service(
            form, lambda: roster.pegawai_transfer(actor=actor, pegawai=pegawai, unit=form.cleaned_data["unit"])
        )
        if done is not None:
            messages.success(
                request, _("%(name)s now works in %(unit)s.") % {"name": done.name, "unit": done.unit.name}
            )
            return redirect("unit_kerja:unit-detail", public_id=done.unit.public_id)
    return render(request, "unit_kerja/pegawai_transfer.html", {"form": form, "pegawai": pegawai})


@instansi_member_required
@require_http_methods(["GET", "POST"])
def pegawai_account(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Link the person's login to their roster entry, so that what they sign (the Pakta
    Integritas) names them. The account is given by its email; an unknown email and an account of
    another instansi get the same answer (nothing tells whether such a login exists)."""
    actor = request_actor(request)
    pegawai = access_pegawai(actor, public_id, for_write=True)
    form = PegawaiAccountForm(_posted(request), initial={"user": pegawai.email})
    if form.is_valid():
        user = User.objects.filter(email__iexact=form.cleaned_data["user"]).first()
        done = run_service(form, lambda: roster.pegawai_account_link(actor=actor, pegawai=pegawai, user=user))
        if done is not None:
            messages.success(
                request,
                _("The login %(email)s is now linked to %(name)s.") % {"email": done.user.email, "name": done.name},
            )
            return redirect("unit_kerja:pegawai-account", public_id=done.public_id)
    show_form = pegawai.user_id is None and pegawai.is_active
    context = {
        "form": form,
        "pegawai": pegawai,
        "show_form": show_form,  # else a refusal is shown above the linked account or the "left" note
        "candidates": selectors.pegawai_account_candidates(pegawai=pegawai) if show_form else [],
    }
    return render(request, "unit_kerja/pegawai_account.html", context)


@instansi_member_required
@require_POST
def pegawai_account_unlink(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    pegawai = access_pegawai(actor, public_id, for_write=True)
    try:
        roster.pegawai_account_unlink(actor=actor, pegawai=pegawai)
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The login is no longer linked to %(name)s.") % {"name": pegawai.name})
    return redirect("unit_kerja:pegawai-account", public_id=pegawai.public_id)
