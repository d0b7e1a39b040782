"""Pages of the unit kerja register, roster, years and penetapan.

Thin shells: one access call, one form, one service call, a flash message and a redirect. Object
pages resolve their id through ``access`` *before* any capability check, so another instansi's
object is always 404 (never a 403 that would confirm it exists). On a service refusal the form is
shown again with the message beside the field, and nothing was saved.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.concurrency import VersionConflict, form_after_conflict
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.forms import run_service
from apps.tenancy.decorators import capability_required, instansi_member_required, request_actor
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja import selectors, services
from apps.unit_kerja.access import (
    access_cycle,
    access_import_job,
    access_pegawai,
    access_penetapan,
    access_unit_kerja,
)
from apps.unit_kerja.forms import (
    CycleForm,
    ImportForm,
    PegawaiAccountForm,
    PegawaiFilterForm,
    PegawaiForm,
    PegawaiTransferForm,
    PenetapanDesignateForm,
    PenetapanForm,
    UnitHeadForm,
    UnitKerjaForm,
)
from apps.unit_kerja.models import (
    Cycle,
    ImportJob,
    ImportJobStatus,
    ImportKind,
    Pegawai,
    Penetapan,
    PenetapanStatus,
    UnitKerja,
    UnitKind,
)

PAGE_SIZE = 50


def _run_versioned[T](
    request: HttpRequest,
    form: forms.BaseForm,
    call: Callable[[], T],
    rebuild: Callable[[Any], forms.BaseForm],
    current_version: Callable[[], int],
) -> tuple[T | None, forms.BaseForm]:
    """Run an edit service; a stale version (someone saved meanwhile) gives back the person's own
    input carrying the version saved now, with the conflict message — nothing was written."""
    try:
        return run_service(form, call, reraise=(VersionConflict,)), form
    except VersionConflict:
        return None, form_after_conflict(rebuild, request, current_version())


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _visible_unit(actor: Membership, raw: str | None) -> UnitKerja | None:
    """A ``?unit=`` prefill: only a unit the actor can see; anything else is silently ignored."""
    if not raw:
        return None
    try:
        public_id = uuid.UUID(raw)
    except ValueError:
        return None
    return selectors.unit_kerja_choices(actor=actor).filter(public_id=public_id).first()


# -----------------------------------------------------------------------------
# Unit kerja
# -----------------------------------------------------------------------------


@capability_required(Cap.UNIT_VIEW)
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    context = {
        "units": selectors.unit_kerja_tree(actor=actor),
        "can_manage": actor.can(Cap.UNIT_MANAGE),
    }
    return render(request, "unit_kerja/unit_list.html", context)


@capability_required(Cap.UNIT_MANAGE)
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    parent = _visible_unit(actor, request.GET.get("induk"))
    form = UnitKerjaForm(
        _posted(request),
        parent_choices=selectors.unit_kerja_choices(actor=actor),
        initial={"parent": parent.public_id if parent else None},
    )
    if form.is_valid():
        unit = run_service(form, lambda: services.unit_kerja_create(actor=actor, **form.cleaned_data))
        if unit is not None:
            messages.success(request, _("Unit %(name)s was added.") % {"name": unit.name})
            return redirect("unit_kerja:unit-detail", public_id=unit.public_id)
    return render(request, "unit_kerja/unit_form.html", {"form": form, "unit": None})


def _render_unit_detail(
    request: HttpRequest, unit: UnitKerja, *, head_form: UnitHeadForm | None = None
) -> HttpResponse:
    actor = request_actor(request)
    can_manage = actor.can(Cap.UNIT_MANAGE)
    if head_form is None and can_manage:
        head_form = UnitHeadForm(
            candidates=selectors.pegawai_choices_for_unit(unit=unit),
            initial={"head": unit.head.public_id if unit.head else None},
        )
    detail = selectors.unit_kerja_detail(actor=actor, unit=unit)
    context = {
        "detail": detail,
        "unit": detail.unit,
        "head_form": head_form if can_manage else None,
        "can_manage": can_manage,
        "can_manage_pegawai": actor.can(Cap.PEGAWAI_MANAGE),
        "can_manage_penetapan": actor.can(Cap.PENETAPAN_MANAGE),
        "can_view_audit": actor.can(Cap.AUDIT_VIEW),
        "can_view_penetapan": actor.can(Cap.PENETAPAN_VIEW),
        "can_view_pegawai": actor.can(Cap.PEGAWAI_VIEW),
    }
    return render(request, "unit_kerja/unit_detail.html", context)


@instansi_member_required
@require_GET
def unit_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    unit = access_unit_kerja(request_actor(request), public_id)
    return _render_unit_detail(request, unit)


@instansi_member_required
@require_http_methods(["GET", "POST"])
def unit_update(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    unit = access_unit_kerja(actor, public_id, for_write=True)
    form = UnitKerjaForm(
        _posted(request),
        # A unit cannot move under itself or its own sub-units: those are not offered.
        parent_choices=selectors.unit_kerja_choices(actor=actor).exclude(path__startswith=unit.path),
        editing=True,
        initial={
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind,
            "parent": unit.parent.public_id if unit.parent else None,
            "address": unit.address,
            "is_active": unit.is_active,
            "version": unit.version,
        },
    )
    if form.is_valid():
        done, form = _run_versioned(
            request,
            form,
            lambda: services.unit_kerja_update(actor=actor, unit=unit, data=form.cleaned_data),
            lambda data: UnitKerjaForm(data, parent_choices=form.fields["parent"].queryset, editing=True),
            lambda: UnitKerja.objects.get(pk=unit.pk).version,
        )
        if done is not None:
            messages.success(request, _("Unit %(name)s was saved.") % {"name": done.name})
            return redirect("unit_kerja:unit-detail", public_id=unit.public_id)
    return render(request, "unit_kerja/unit_form.html", {"form": form, "unit": unit})


@instansi_member_required
@require_POST
def unit_set_head(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    unit = access_unit_kerja(actor, public_id, for_write=True)
    form = UnitHeadForm(request.POST, candidates=selectors.pegawai_choices_for_unit(unit=unit))
    if form.is_valid():
        done = run_service(
            form, lambda: services.unit_kerja_set_head(actor=actor, unit=unit, pegawai=form.cleaned_data["head"])
        )
        if done is not None:
            messages.success(request, _("The head of unit was saved."))
            return redirect("unit_kerja:unit-detail", public_id=unit.public_id)
    return _render_unit_detail(request, unit, head_form=form)


UNIT_IMPORT_COLUMNS = [
    ("kode", True, gettext_lazy("Unit code, unique in the instansi. An existing code updates that unit.")),
    ("nama", True, gettext_lazy("Unit name.")),
    (
        "kode_induk",
        False,
        gettext_lazy("Code of the parent unit (in this file or already registered); empty: top level."),
    ),
    ("jenis", False, gettext_lazy("Kind: one of the codes listed below; empty: other.")),
    ("alamat", False, gettext_lazy("Address.")),
]
PEGAWAI_IMPORT_COLUMNS = [
    ("nip", True, gettext_lazy("NIP, 18 digits, formatted as text. An existing NIP updates that pegawai.")),
    ("nama", True, gettext_lazy("Full name.")),
    ("kode_unit", True, gettext_lazy("Code of a registered unit.")),
    ("jabatan", False, gettext_lazy("Position.")),
    ("pangkat", False, gettext_lazy("Rank (pangkat/golongan).")),
    ("email", False, gettext_lazy("Email address.")),
]


@capability_required(Cap.UNIT_MANAGE)
@require_http_methods(["GET", "POST"])
def unit_import(request: HttpRequest) -> HttpResponse:
    return _queue_import(
        request, kind=ImportKind.UNIT, template="unit_kerja/unit_import.html", columns=UNIT_IMPORT_COLUMNS
    )


# -----------------------------------------------------------------------------
# Pegawai
# -----------------------------------------------------------------------------


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
        pegawai = run_service(form, lambda: services.pegawai_create(actor=actor, **form.cleaned_data))
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
            lambda: services.pegawai_update(actor=actor, pegawai=pegawai, data=form.cleaned_data),
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
        services.pegawai_deactivate(actor=actor, pegawai=pegawai)
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
            form, lambda: services.pegawai_transfer(actor=actor, pegawai=pegawai, unit=form.cleaned_data["unit"])
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
        from apps.accounts.models import User

        user = User.objects.filter(email__iexact=form.cleaned_data["user"]).first()
        done = run_service(form, lambda: services.pegawai_account_link(actor=actor, pegawai=pegawai, user=user))
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
        services.pegawai_account_unlink(actor=actor, pegawai=pegawai)
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The login is no longer linked to %(name)s.") % {"name": pegawai.name})
    return redirect("unit_kerja:pegawai-account", public_id=pegawai.public_id)


def _queue_import(
    request: HttpRequest, *, kind: str, template: str, columns: list[tuple[str, bool, Any]]
) -> HttpResponse:
    """An import upload: the file's own checks (size, virus scan) here, the import in the background
    (``run_import_job``); the upload lands on the job's page, which follows it."""
    actor = request_actor(request)
    form = ImportForm(_posted(request), request.FILES or None)
    if form.is_valid():
        job = run_service(
            form, lambda: services.import_job_create(actor=actor, kind=kind, file=form.cleaned_data["file"])
        )
        if job is not None:
            return redirect("unit_kerja:import-job", public_id=job.public_id)
    context = {"form": form, "result": None, "columns": columns, "kinds": UnitKind.choices}
    return render(request, template, context)


@capability_required(Cap.PEGAWAI_MANAGE)
@require_http_methods(["GET", "POST"])
def pegawai_import(request: HttpRequest) -> HttpResponse:
    return _queue_import(
        request, kind=ImportKind.PEGAWAI, template="unit_kerja/pegawai_import.html", columns=PEGAWAI_IMPORT_COLUMNS
    )


# kind → (page title, list label, list page, upload page) for the job page.
_IMPORT_JOB_PAGES = {
    ImportKind.PEGAWAI: (
        gettext_lazy("Import pegawai"),
        gettext_lazy("Pegawai"),
        "unit_kerja:pegawai-list",
        "unit_kerja:pegawai-import",
    ),
    ImportKind.UNIT: (
        gettext_lazy("Import units"),
        gettext_lazy("Unit kerja"),
        "unit_kerja:unit-list",
        "unit_kerja:unit-import",
    ),
}


def import_job_context(job: ImportJob, **pages: Any) -> dict[str, Any]:
    """The context of ``unit_kerja/import_job.html`` (also the kegiatan import's job page):
    ``pages`` gives title, list_label, list_url, upload_url, page_url, status_url and, if the
    kind says its result in its own words, done_message."""
    return {
        "job": job,
        "pending": job.status in {ImportJobStatus.PENDING, ImportJobStatus.RUNNING},
        "result": {"errors": job.errors},
        **pages,
    }


def _import_job_context(request: HttpRequest, public_id: uuid.UUID) -> dict[str, Any]:
    job = access_import_job(request_actor(request), public_id)
    title, list_label, list_url, upload_url = _IMPORT_JOB_PAGES[ImportKind(job.kind)]
    return import_job_context(
        job,
        title=title,
        list_label=list_label,
        list_url=reverse(list_url),
        upload_url=reverse(upload_url),
        page_url=reverse("unit_kerja:import-job", kwargs={"public_id": job.public_id}),
        status_url=reverse("unit_kerja:import-job-status", kwargs={"public_id": job.public_id}),
    )


@instansi_member_required
@require_GET
def import_job_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return render(request, "unit_kerja/import_job.html", _import_job_context(request, public_id))


@instansi_member_required
@require_GET
def import_job_status(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The status fragment the job page polls (HTMX) while the import is waiting or running."""
    return render(request, "unit_kerja/import_job.html#status", _import_job_context(request, public_id))


# -----------------------------------------------------------------------------
# Cycle (tahun)
# -----------------------------------------------------------------------------


@instansi_member_required
@require_GET
def cycle_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    context = {
        "cycles": selectors.cycle_list(instansi=actor.instansi),
        "can_manage": actor.can(Cap.CYCLE_MANAGE),
    }
    return render(request, "unit_kerja/cycle_list.html", context)


@capability_required(Cap.CYCLE_MANAGE)
@require_http_methods(["GET", "POST"])
def cycle_create(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    tahun = selectors.cycle_next_tahun(instansi=actor.instansi)
    form = CycleForm(_posted(request), initial={"tahun": tahun, **services.cycle_defaults(tahun)})
    if form.is_valid():
        data = form.cleaned_data
        windows = {name: data[name] for name in services.CYCLE_DATE_FIELDS if data.get(name)}
        cycle = run_service(form, lambda: services.cycle_open(actor=actor, tahun=data["tahun"], **windows))
        if cycle is not None:
            messages.success(request, _("The year %(tahun)s is open.") % {"tahun": cycle.tahun})
            return redirect("unit_kerja:cycle-list")
    return render(request, "unit_kerja/cycle_form.html", {"form": form, "cycle": None})


@instansi_member_required
@require_http_methods(["GET", "POST"])
def cycle_update(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    cycle = access_cycle(actor, public_id, for_write=True)
    initial = {name: getattr(cycle, name) for name in (*services.CYCLE_DATE_FIELDS, "is_open", "version")}
    form = CycleForm(_posted(request), editing=True, initial=initial)
    if form.is_valid():
        done, form = _run_versioned(
            request,
            form,
            lambda: services.cycle_update(actor=actor, cycle=cycle, data=form.cleaned_data),
            lambda data: CycleForm(data, editing=True),
            lambda: Cycle.objects.get(pk=cycle.pk).version,
        )
        if done is not None:
            messages.success(request, _("The year %(tahun)s was saved.") % {"tahun": done.tahun})
            return redirect("unit_kerja:cycle-list")
    return render(request, "unit_kerja/cycle_form.html", {"form": form, "cycle": cycle})


# -----------------------------------------------------------------------------
# Penetapan
# -----------------------------------------------------------------------------


def _chosen_cycle(request: HttpRequest, cycles: list[Cycle]) -> Cycle | None:
    raw = request.GET.get("tahun", "")
    if raw.isdigit():
        for cycle in cycles:
            if cycle.tahun == int(raw):
                return cycle
    current = selectors.cycle_current(instansi=request_actor(request).instansi)
    return current or (cycles[0] if cycles else None)


@capability_required(Cap.PENETAPAN_VIEW)
@require_GET
def penetapan_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    cycles = list(selectors.cycle_list(instansi=actor.instansi))
    cycle = _chosen_cycle(request, cycles)
    designated_only = request.GET.get("status") == PenetapanStatus.DESIGNATED
    rows = selectors.penetapan_list(actor=actor, cycle=cycle, designated_only=designated_only) if cycle else None
    context = {
        "cycles": cycles,
        "cycle": cycle,
        "rows": rows,
        "designated_only": designated_only,
        "counts": selectors.penetapan_counts(actor=actor, cycle=cycle) if cycle else None,
        "can_manage": actor.can(Cap.PENETAPAN_MANAGE),
        "can_manage_cycle": actor.can(Cap.CYCLE_MANAGE),
    }
    return render(request, "unit_kerja/penetapan_list.html", context)


@capability_required(Cap.PENETAPAN_MANAGE)
@require_http_methods(["GET", "POST"])
def penetapan_create(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    open_cycles = selectors.cycle_list(instansi=actor.instansi).filter(is_open=True)
    unit = _visible_unit(actor, request.GET.get("unit"))
    tahun = request.GET.get("tahun", "")
    initial_cycle = open_cycles.filter(tahun=int(tahun)).first() if tahun.isdigit() else None
    initial_cycle = initial_cycle or selectors.cycle_current(instansi=actor.instansi)
    form = PenetapanForm(
        _posted(request),
        unit_choices=selectors.unit_kerja_choices(actor=actor),
        cycle_choices=open_cycles,
        initial={
            "unit": unit.public_id if unit else None,
            "cycle": initial_cycle.public_id if initial_cycle else None,
        },
    )
    if form.is_valid():
        penetapan = run_service(form, lambda: services.penetapan_create(actor=actor, **form.cleaned_data))
        if penetapan is not None:
            messages.success(request, _("The penetapan of %(unit)s was proposed.") % {"unit": penetapan.unit.name})
            return redirect("unit_kerja:penetapan-detail", public_id=penetapan.public_id)
    return render(request, "unit_kerja/penetapan_form.html", {"form": form, "penetapan": None})


@instansi_member_required
@require_GET
def penetapan_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    penetapan = access_penetapan(actor, public_id)
    context = {
        "penetapan": penetapan,
        "can_manage": actor.can(Cap.PENETAPAN_MANAGE),
        "can_view_audit": actor.can(Cap.AUDIT_VIEW),
    }
    return render(request, "unit_kerja/penetapan_detail.html", context)


def _keep_input_after_conflict(form_class: type[Any], request: HttpRequest, current: Penetapan, **kwargs: Any) -> Any:
    """Re-show the user's own input, now carrying the current version, with the conflict message."""
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = form_class(data, request.FILES or None, **kwargs)
    form.is_valid()
    form.add_error(None, services.PENETAPAN_CONFLICT)
    return form


@instansi_member_required
@require_http_methods(["GET", "POST"])
def penetapan_update(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    penetapan = access_penetapan(actor, public_id, for_write=True)
    initial = {name: getattr(penetapan, name) for name in services.PENETAPAN_EDIT_FIELDS}
    form = PenetapanForm(_posted(request), initial={**initial, "version": penetapan.version})
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = run_service(
                form,
                lambda: services.penetapan_update(actor=actor, penetapan=penetapan, version=data["version"], data=data),
                reraise=(ConflictError,),
            )
        except ConflictError:
            penetapan = access_penetapan(actor, public_id, for_write=True)
            form = _keep_input_after_conflict(PenetapanForm, request, penetapan)
        else:
            if done is not None:
                messages.success(request, _("The penetapan was saved."))
                return redirect("unit_kerja:penetapan-detail", public_id=penetapan.public_id)
    return render(request, "unit_kerja/penetapan_form.html", {"form": form, "penetapan": penetapan})


@instansi_member_required
@require_http_methods(["GET", "POST"])
def penetapan_designate(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    penetapan = access_penetapan(actor, public_id, for_write=True)
    has_file = penetapan.sk_file_id is not None
    form = PenetapanDesignateForm(
        _posted(request),
        request.FILES or None,
        has_file=has_file,
        initial={"sk_number": penetapan.sk_number, "sk_date": penetapan.sk_date, "version": penetapan.version},
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = run_service(
                form,
                lambda: services.penetapan_designate(
                    actor=actor,
                    penetapan=penetapan,
                    version=data["version"],
                    sk_number=data["sk_number"],
                    sk_date=data["sk_date"],
                    sk_file=data.get("sk_file"),
                ),
                reraise=(ConflictError,),
            )
        except ConflictError:
            penetapan = access_penetapan(actor, public_id, for_write=True)
            form = _keep_input_after_conflict(PenetapanDesignateForm, request, penetapan, has_file=has_file)
        else:
            if done is not None:
                messages.success(
                    request,
                    _("%(unit)s is designated for %(tahun)s.") % {"unit": done.unit.name, "tahun": done.cycle.tahun},
                )
                return redirect("unit_kerja:penetapan-detail", public_id=penetapan.public_id)
    return render(request, "unit_kerja/penetapan_designate.html", {"form": form, "penetapan": penetapan})
