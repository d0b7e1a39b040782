"""Pages of the unit's side of the penilaian: the list, the detail page and the worksheet.

Thin shells: ``access_penilaian`` first (another instansi's or another unit's penilaian is 404, a
read-only member asking to write is 403), one form, one service call, then a redirect (plain POST) or
the re-rendered fragment (HTMX). A refused save never loses what was typed: the item comes back with
the person's own answer and note still in the inputs, the message beside them, and — after a
conflict — the answer the other person saved.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.audit.services import audit_download
from apps.bukti_dukung.access import access_bukti_dukung
from apps.bukti_dukung.models import FILE_KIND_CONTENT_TYPE, FileKind
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.core.forms import apply_service_error
from apps.lke.excel import WorkbookError, build_workbook, parse_workbook, workbook_layout
from apps.lke.excel.export_lke_zi import build_lke_zi_workbook
from apps.lke.models import Soal
from apps.penilaian import selectors, workbook
from apps.penilaian.access import access_penilaian
from apps.penilaian.forms.worksheet import (
    AreaAssignForm,
    EvidenceAttachForm,
    EvidenceUploadForm,
    JawabanForm,
    WorkbookConfirmForm,
    WorkbookUploadForm,
)
from apps.penilaian.item_html import item_response_html
from apps.penilaian.models import AreaAssignment, Jawaban, Penilaian, PenilaianStatus
from apps.penilaian.pages import detail, worksheet
from apps.penilaian.sections import Section, section_get_or_404, section_of_soal
from apps.penilaian.services import answers, setup
from apps.penilaian.services import review as review_services
from apps.penilaian.services import workbook as workbook_services
from apps.penilaian.services import worksheet as worksheet_services
from apps.tenancy.access import parse_public_id
from apps.tenancy.decorators import capability_required, instansi_member_required, request_actor
from apps.tenancy.roles import Cap
from apps.unit_kerja.access import access_cycle
from apps.unit_kerja.selectors import cycle_current

PAGE_SIZE = 50
XLSX_CONTENT_TYPE = FILE_KIND_CONTENT_TYPE[FileKind.XLSX]


def _section_url(penilaian: Penilaian, slug: str, soal_id: int | None = None) -> str:
    url = reverse("penilaian:worksheet", kwargs={"public_id": penilaian.public_id, "section": slug})
    return f"{url}#soal-{soal_id}" if soal_id is not None else url


def _slug_of(penilaian: Penilaian, soal: Soal) -> str:
    return section_of_soal(selectors.penilaian_spec(penilaian))[soal.portalrb_soal_id].slug


# -----------------------------------------------------------------------------
# List and opening the year
# -----------------------------------------------------------------------------


@capability_required(Cap.PENILAIAN_VIEW)
@require_GET
def penilaian_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    cycles = selectors.cycle_list(actor=actor)
    wanted = request.GET.get("tahun", "")
    cycle = next((c for c in cycles if str(c.tahun) == wanted), None)
    if cycle is None:
        cycle = cycle_current(instansi=actor.instansi_id) or (cycles[0] if cycles else None)
    page = None
    rows: list[detail.ListRow] = []
    if cycle is not None:
        page = Paginator(selectors.penilaian_list(actor=actor, cycle=cycle), PAGE_SIZE).get_page(
            request.GET.get("halaman")
        )
        rows = detail.penilaian_rows(penilaian_list=page.object_list)
    context = {
        "cycles": cycles,
        "cycle": cycle,
        "rows": rows,
        "page": page,
        "can_manage": actor.can(Cap.PENILAIAN_MANAGE),
    }
    return render(request, "penilaian/penilaian_list.html", context)


@instansi_member_required
@require_POST
def penilaian_open(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    cycle = access_cycle(actor, public_id)
    if not actor.can(Cap.PENILAIAN_MANAGE):
        raise PermissionDenied
    try:
        created = setup.penilaian_open(actor=actor, cycle=cycle)
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        if created:
            messages.success(request, _("%(count)d penilaian opened for designated units.") % {"count": len(created)})
        else:
            messages.info(request, _("Every designated unit already has its penilaian for this year."))
    return redirect(f"{reverse('penilaian:penilaian-list')}?tahun={cycle.tahun}")


# -----------------------------------------------------------------------------
# Detail: status, scores per tier, predikat estimate, progress, submit, pokja areas
# -----------------------------------------------------------------------------


def _assign_form(penilaian: Penilaian, data: Any = None) -> AreaAssignForm:
    spec = selectors.penilaian_spec(penilaian)
    return AreaAssignForm(
        data,
        areas=detail.area_choices(spec),
        members=selectors.area_assignable_members(penilaian=penilaian),
    )


def _render_detail(
    request: HttpRequest, penilaian: Penilaian, *, assign_form: AreaAssignForm | None = None
) -> HttpResponse:
    actor = request_actor(request)
    can_fill = actor.can(Cap.PENILAIAN_FILL)
    if assign_form is None and can_fill:
        assign_form = _assign_form(penilaian)
    page = detail.detail_page(penilaian=penilaian)
    context = {
        "penilaian": penilaian,
        "page": page,
        "cycle": penilaian.cycle,
        "can_fill": can_fill,
        "can_review": actor.can(Cap.PENILAIAN_REVIEW),
        "can_submit": can_fill and penilaian.status in {PenilaianStatus.DRAFT, PenilaianStatus.REVISION},
        # Issue 17: before a first submission below 100 %, the unit sees what is missing.
        "unanswered": (
            review_services.unanswered_soal(penilaian=penilaian)
            if can_fill and penilaian.status == PenilaianStatus.DRAFT
            else []
        ),
        "assign_form": assign_form,
        "first_section": page.sections[0].section if page.sections else None,
    }
    return render(request, "penilaian/penilaian_detail.html", context)


@instansi_member_required
@require_GET
def penilaian_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    penilaian = access_penilaian(request_actor(request), public_id)
    return _render_detail(request, penilaian)


@instansi_member_required
@require_POST
def penilaian_submit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    penilaian = access_penilaian(actor, public_id, for_write=True)
    try:
        review_services.penilaian_submit(
            actor=actor, penilaian=penilaian, incomplete_reason=request.POST.get("incomplete_reason", "")[:5000]
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    except DomainError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:  # below 100 % answered without a reason: the page lists what is missing
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The LKE was submitted to the TPI."))
    return redirect("penilaian:penilaian-detail", public_id=penilaian.public_id)


@instansi_member_required
@require_POST
def area_assign(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    penilaian = access_penilaian(actor, public_id, for_write=True)
    form = _assign_form(penilaian, request.POST)
    if form.is_valid():
        try:
            worksheet_services.area_assign(
                actor=actor, penilaian=penilaian, area=form.cleaned_data["area"], assignee=form.cleaned_data["assignee"]
            )
        except PermissionDeniedError as exc:
            raise PermissionDenied from exc
        except (ValidationError, DomainError) as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The area was assigned."))
            return redirect("penilaian:penilaian-detail", public_id=penilaian.public_id)
    return _render_detail(request, penilaian, assign_form=form)


@instansi_member_required
@require_POST
def area_unassign(request: HttpRequest, public_id: uuid.UUID, assignment_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    penilaian = access_penilaian(actor, public_id, for_write=True)
    assignment = (
        AreaAssignment.objects.filter(
            instansi_id=penilaian.instansi_id, penilaian=penilaian, public_id=parse_public_id(assignment_id)
        )
        .select_related("assignee", "penilaian__unit")
        .first()
    )
    if assignment is None:
        raise Http404
    try:
        worksheet_services.area_unassign(actor=actor, assignment=assignment)
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    messages.success(request, _("The area assignment was removed."))
    return redirect("penilaian:penilaian-detail", public_id=penilaian.public_id)


# -----------------------------------------------------------------------------
# The worksheet of one section, and the per-item save
# -----------------------------------------------------------------------------


def _render_worksheet(
    request: HttpRequest,
    penilaian: Penilaian,
    section: Section,
    *,
    overrides: dict[int, worksheet.ItemView] | None = None,
) -> HttpResponse:
    page = worksheet.worksheet_page(
        actor=request_actor(request), penilaian=penilaian, section=section, overrides=overrides
    )
    previous, following = page.neighbours()
    context = {"penilaian": penilaian, "page": page, "previous": previous, "following": following}
    return render(request, "penilaian/worksheet.html", context)


@instansi_member_required
@require_GET
def worksheet_section(request: HttpRequest, public_id: uuid.UUID, section: str) -> HttpResponse:
    penilaian = access_penilaian(request_actor(request), public_id)
    found = section_get_or_404(selectors.penilaian_spec(penilaian), section)
    return _render_worksheet(request, penilaian, found)


@instansi_member_required
@require_GET
def worksheet_start(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The worksheet's entry: the first part holding a returned item, else the first part."""
    penilaian = access_penilaian(request_actor(request), public_id)
    return redirect(_section_url(penilaian, worksheet.first_section_slug(penilaian=penilaian)))


@instansi_member_required
@require_GET
def worksheet_preview(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The derived percentages of one sub-area for the numbers as typed; nothing is saved."""
    penilaian = access_penilaian(request_actor(request), public_id)
    try:
        node_id = int(request.GET.get("node", ""))
    except ValueError as exc:
        raise Http404 from exc
    node, derived = worksheet.derived_preview(penilaian=penilaian, node_id=node_id, data=request.GET)
    return render(request, "penilaian/partials/ws_derived.html", {"node": node, "derived": derived, "preview": True})


def _item_reply(
    request: HttpRequest,
    penilaian: Penilaian,
    soal: Soal,
    *,
    form: JawabanForm | None = None,
    upload_form: EvidenceUploadForm | None = None,
    pick_form: EvidenceAttachForm | None = None,
    conflict: bool = False,
    saved: bool = False,
    error: str | None = None,
    fragment: str = "item",
    row: Jawaban | None = None,
) -> HttpResponse:
    """The item after a write or a refused one: the fragment for HTMX, else the whole section with
    this item as it was typed. ``row``: the unit's row as the save returned it (not read again)."""
    actor = request_actor(request)
    reply = worksheet.item_response(actor=actor, penilaian=penilaian, soal=soal, saved=row)
    item = reply.item
    item.saved = saved
    item.error = error
    if form is not None:
        item.form = form  # what the person typed stays in the inputs, even when now refused
    if upload_form is not None:
        item.upload_form = upload_form
    if pick_form is not None:
        item.pick_form = pick_form
    if conflict:
        item.conflict = item.row
    if not item.editable:
        # The upload and pick forms are not shown on a read-only item: their refusal goes beside the files.
        refused = [e for f in (upload_form, pick_form) if f is not None for e in f.non_field_errors()]
        item.error = " ".join(refused) or item.error
    if not request.htmx:
        return _render_worksheet(request, penilaian, reply.section, overrides={item.number: item})
    if fragment == "item":
        html = item_response_html(request=request, penilaian=penilaian, item=item, group=reply.group, reply=reply)
        return HttpResponse(html)
    context = {"penilaian": penilaian, "item": item, "group": reply.group, "reply": reply}
    return render(request, "penilaian/partials/ws_evidence.html", context)


@instansi_member_required
@require_POST
def jawaban_save(request: HttpRequest, public_id: uuid.UUID, soal_id: int) -> HttpResponse:
    actor = request_actor(request)
    penilaian = access_penilaian(actor, public_id, for_write=True)
    soal = worksheet.soal_get_or_404(penilaian=penilaian, soal_id=soal_id)
    form = JawabanForm(request.POST, soal=soal)
    if not form.is_valid():
        return _item_reply(request, penilaian, soal, form=form)
    try:
        saved = answers.jawaban_save(
            actor=actor,
            penilaian=penilaian,
            soal=soal,
            answer=form.answer_or_none(),
            note=form.cleaned_data["note"],
            evidence_link=form.cleaned_data["evidence_link"],
            version=form.cleaned_data["version"],
        )
    except ConflictError as exc:
        # Keep everything typed, but load the version now saved so that a deliberate second save
        # (after reading the other person's answer) goes through.
        current = selectors.unit_rows(penilaian=penilaian, soal_ids=[soal.portalrb_soal_id]).get(soal.portalrb_soal_id)
        data = request.POST.copy()
        data[f"{form.prefix}-version"] = str(current.version if current is not None else 0)
        kept = JawabanForm(data, soal=soal)
        kept.is_valid()
        kept.add_error(None, str(exc))
        return _item_reply(request, penilaian, soal, form=kept, conflict=True)
    except (ValidationError, DomainError) as exc:
        apply_service_error(form, exc)
        return _item_reply(request, penilaian, soal, form=form)
    if request.htmx:
        return _item_reply(request, penilaian, soal, saved=True, row=saved)
    messages.success(request, _("Soal %(number)s was saved.") % {"number": soal.portalrb_soal_id})
    return redirect(_section_url(penilaian, _slug_of(penilaian, soal), soal.portalrb_soal_id))


# -----------------------------------------------------------------------------
# Evidence files of an answer
# -----------------------------------------------------------------------------


@instansi_member_required
@require_POST
def evidence_upload(request: HttpRequest, public_id: uuid.UUID, soal_id: int) -> HttpResponse:
    actor = request_actor(request)
    penilaian = access_penilaian(actor, public_id, for_write=True)
    soal = worksheet.soal_get_or_404(penilaian=penilaian, soal_id=soal_id)
    form = EvidenceUploadForm(request.POST, request.FILES, soal=soal)
    if form.is_valid():
        try:
            bukti = worksheet_services.jawaban_evidence_upload(
                actor=actor,
                penilaian=penilaian,
                soal=soal,
                file=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except (ValidationError, DomainError) as exc:
            apply_service_error(form, exc)
        else:
            if request.htmx:
                return _item_reply(request, penilaian, soal, fragment="evidence")
            messages.success(request, _("%(name)s was attached.") % {"name": bukti.original_name})
            return redirect(_section_url(penilaian, _slug_of(penilaian, soal), soal.portalrb_soal_id))
    return _item_reply(request, penilaian, soal, upload_form=form, fragment="evidence")


@instansi_member_required
@require_http_methods(["GET", "POST"])
def evidence_attach(request: HttpRequest, public_id: uuid.UUID, soal_id: int) -> HttpResponse:
    """Pick a file already in the evidence store (GET: the picker; POST: attach it)."""
    actor = request_actor(request)
    penilaian = access_penilaian(actor, public_id, for_write=True)
    soal = worksheet.soal_get_or_404(penilaian=penilaian, soal_id=soal_id)
    queryset, offered = selectors.bukti_choices(actor=actor, penilaian=penilaian)
    data = request.POST if request.method == "POST" else None
    form = EvidenceAttachForm(data, soal=soal, queryset=queryset, offered=offered)
    if request.method == "POST" and form.is_valid():
        try:
            worksheet_services.jawaban_evidence_attach(
                actor=actor, penilaian=penilaian, soal=soal, bukti=form.cleaned_data["bukti"]
            )
        except (ValidationError, DomainError) as exc:
            apply_service_error(form, exc)
        else:
            if request.htmx:
                return _item_reply(request, penilaian, soal, fragment="evidence")
            messages.success(request, _("The file was attached."))
            return redirect(_section_url(penilaian, _slug_of(penilaian, soal), soal.portalrb_soal_id))
    context = {"penilaian": penilaian, "soal": soal, "pick_form": form, "number": soal.portalrb_soal_id}
    if request.method == "POST" and request.htmx:
        return _item_reply(request, penilaian, soal, pick_form=form, fragment="evidence")
    if request.htmx:
        return render(request, "penilaian/partials/ws_evidence_pick.html", context)
    context["section_url"] = _section_url(penilaian, _slug_of(penilaian, soal), soal.portalrb_soal_id)
    return render(request, "penilaian/worksheet_evidence_pick.html", context)


@instansi_member_required
@require_POST
def evidence_detach(request: HttpRequest, public_id: uuid.UUID, soal_id: int, bukti_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    penilaian = access_penilaian(actor, public_id, for_write=True)
    soal = worksheet.soal_get_or_404(penilaian=penilaian, soal_id=soal_id)
    bukti = access_bukti_dukung(actor, bukti_id)
    error = None
    try:
        worksheet_services.jawaban_evidence_detach(actor=actor, penilaian=penilaian, soal=soal, bukti=bukti)
    except (ValidationError, DomainError) as exc:
        error = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    if request.htmx:
        return _item_reply(request, penilaian, soal, error=error, fragment="evidence")
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("%(name)s was removed from this item.") % {"name": bukti.original_name})
    return redirect(_section_url(penilaian, _slug_of(penilaian, soal), soal.portalrb_soal_id))


# -----------------------------------------------------------------------------
# Excel: export the official workbook, import a filled one (preview, then confirm)
# -----------------------------------------------------------------------------

IMPORT_SALT = "penilaian.workbook-import"
IMPORT_MAX_AGE = 2 * 3600  # a preview older than this must be uploaded again
IMPORT_EXPIRED = gettext_lazy("This preview has expired or was altered. Upload the workbook again.")


@instansi_member_required
@require_GET
def workbook_export(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The official workbook with the unit's answers and the latest TPI tier's: the ``Jawaban`` sheet,
    or with ``?layout=lke_zi`` the Lampiran III ``LKE ZI`` sheet (any other value is the default)."""
    penilaian = access_penilaian(request_actor(request), public_id)
    title = f"LKE {penilaian.unit.name} {penilaian.cycle.tahun}"
    lampiran = request.GET.get("layout") == "lke_zi"
    build = build_lke_zi_workbook if lampiran else build_workbook
    extra = {"unit_name": penilaian.unit.name} if lampiran else {}
    data = build(
        selectors.penilaian_spec(penilaian),
        workbook_layout(penilaian.template_id),
        workbook.workbook_answers(penilaian=penilaian),
        title=title,
        **extra,
    )
    audit_download(actor=request_actor(request), verb="penilaian.workbook_export", obj=penilaian)
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    suffix = "-lampiran-iii" if lampiran else ""
    filename = f"lke-{slugify(penilaian.unit.code) or 'unit'}-{penilaian.cycle.tahun}{suffix}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _payload(penilaian: Penilaian, preview: workbook.ImportPreview) -> str:
    rows = [
        [r.soal.portalrb_soal_id, r.excel_row, r.answer, r.note, r.evidence_link, r.version, r.newer]
        for r in preview.rows
    ]
    return signing.dumps({"p": str(penilaian.public_id), "rows": rows}, salt=IMPORT_SALT, compress=True)


def _changes(penilaian: Penilaian, payload: str, replace: set[str]) -> list[workbook_services.ImportChange] | None:
    """The confirmed changes, or None when the payload is not this penilaian's unaltered preview.
    A row whose answer in ZI is newer than the workbook is applied only when ticked."""
    try:
        data = signing.loads(payload, salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.BadSignature:
        return None
    if data.get("p") != str(penilaian.public_id):
        return None
    return [
        workbook_services.ImportChange(
            soal_id=soal_id, excel_row=excel_row, answer=answer, note=note, evidence_link=link, version=version
        )
        for soal_id, excel_row, answer, note, link, version, newer in data["rows"]
        if not newer or str(soal_id) in replace
    ]


@instansi_member_required
@require_http_methods(["GET", "POST"])
def workbook_import(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Upload → preview of what changes (nothing saved) → confirm: all in one transaction or nothing."""
    actor = request_actor(request)
    penilaian = access_penilaian(actor, public_id, for_write=True)
    context: dict[str, Any] = {"penilaian": penilaian, "upload_form": WorkbookUploadForm()}
    if request.method == "POST" and "payload" in request.POST:
        confirm = WorkbookConfirmForm(request.POST)
        changes = _changes(penilaian, request.POST.get("payload", ""), set(request.POST.getlist("replace")))
        if not confirm.is_valid() or changes is None:
            context["failure"] = str(IMPORT_EXPIRED)
        else:
            try:
                saved = workbook_services.workbook_import_apply(actor=actor, penilaian=penilaian, changes=changes)
            except workbook_services.ImportRejected as exc:
                context["rejected"] = exc.problems
                context["failure"] = str(exc)
            except PermissionDeniedError as exc:
                raise PermissionDenied from exc
            except DomainError as exc:
                context["failure"] = str(exc)
            else:
                messages.success(
                    request, _("%(count)d answers were imported from the workbook.") % {"count": len(saved)}
                )
                return redirect("penilaian:penilaian-detail", public_id=penilaian.public_id)
        return render(request, "penilaian/penilaian_import.html", context)
    if request.method == "POST":
        form = WorkbookUploadForm(request.POST, request.FILES)
        context["upload_form"] = form
        if form.is_valid():
            spec = selectors.penilaian_spec(penilaian)
            try:
                parsed = parse_workbook(form.cleaned_data["file"], spec, workbook_layout(penilaian.template_id))
            except WorkbookError as exc:
                form.add_error("file", exc)
            else:
                preview = workbook.workbook_preview(actor=actor, penilaian=penilaian, parsed=parsed)
                context["preview"] = preview
                if preview.ok:
                    context["confirm_form"] = WorkbookConfirmForm(initial={"payload": _payload(penilaian, preview)})
    return render(request, "penilaian/penilaian_import.html", context)
