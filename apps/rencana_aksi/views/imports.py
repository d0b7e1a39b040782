"""The kegiatan import: the upload page, the job page that follows the import in the background
(issue 21), and the empty template."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.forms import run_service
from apps.rencana_aksi import exports
from apps.rencana_aksi.access import access_kegiatan_import_job, access_rencana_aksi
from apps.rencana_aksi.forms import KegiatanImportForm
from apps.rencana_aksi.services import imports as services
from apps.tenancy.decorators import capability_required, instansi_member_required, request_actor
from apps.tenancy.roles import Cap
from apps.unit_kerja.views.imports import import_job_context

IMPORTED = _("Import finished: %(created)s kegiatan added.")

IMPORT_COLUMNS = [
    ("area", True, _("1–6 or the area's name")),
    ("kegiatan", True, _("What is done")),
    ("output", True, _("What it produces")),
    ("indikator", True, _("How success is measured")),
    ("target", True, _("A number")),
    ("satuan", True, _("Unit of the target (%, dokumen, kali…)")),
    ("nip_pic", True, _("NIP of a pegawai of this unit")),
    ("bulan", True, _("Months of the schedule: 1,2,3 or 1-12")),
    ("tenggat", True, _("Deadline YYYY-MM-DD, within the plan's year")),
    ("anggaran", False, _("Budget in Rp")),
    ("soal", False, _("PortalRB id of the LKE soal supported")),
]


@require_http_methods(["GET", "POST"])
@instansi_member_required
def kegiatan_import(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    rencana = access_rencana_aksi(actor, public_id, for_write=True)
    form = KegiatanImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        # The upload's own checks here; the import in the background, followed on the job's page.
        job = run_service(
            form,
            lambda: services.kegiatan_import_queue(
                actor=actor, rencana=rencana, file=form.cleaned_data["file"], reason=form.cleaned_data["reason"]
            ),
        )
        if job is not None:
            return redirect("rencana_aksi:kegiatan-import-job", public_id=job.public_id)
    return render(
        request,
        "rencana_aksi/kegiatan_import.html",
        {"form": form, "rencana": rencana, "result": None, "columns": IMPORT_COLUMNS},
    )


def _import_job_context(request: HttpRequest, public_id: Any) -> dict[str, Any]:
    job, rencana = access_kegiatan_import_job(request_actor(request), public_id)
    return import_job_context(
        job,
        title=_("Import kegiatan"),
        list_label=f"{rencana.unit.name} {rencana.cycle.tahun}",
        list_url=reverse("rencana_aksi:rencana-detail", kwargs={"public_id": rencana.public_id}),
        upload_url=reverse("rencana_aksi:kegiatan-import", kwargs={"public_id": rencana.public_id}),
        page_url=reverse("rencana_aksi:kegiatan-import-job", kwargs={"public_id": job.public_id}),
        status_url=reverse("rencana_aksi:kegiatan-import-job-status", kwargs={"public_id": job.public_id}),
        done_message=IMPORTED % {"created": job.created},
    )


@require_GET
@instansi_member_required
def kegiatan_import_job(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The page of one kegiatan import: it polls its status fragment until the import is done."""
    return render(request, "unit_kerja/import_job.html", _import_job_context(request, public_id))


@require_GET
@instansi_member_required
def kegiatan_import_job_status(request: HttpRequest, public_id: Any) -> HttpResponse:
    return render(request, "unit_kerja/import_job.html#status", _import_job_context(request, public_id))


@require_GET
@capability_required(Cap.RENCANA_AKSI_EDIT)
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        exports.import_template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="templat-kegiatan.xlsx"'
    return response
