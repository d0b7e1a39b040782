"""Import pages: the upload of units or roster, and the page of the job that imports it in the background."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.forms import run_service
from apps.tenancy.decorators import capability_required, instansi_member_required, request_actor
from apps.tenancy.roles import Cap
from apps.unit_kerja.access import (
    access_import_job,
)
from apps.unit_kerja.forms import (
    ImportForm,
)
from apps.unit_kerja.models import (
    ImportJob,
    ImportJobStatus,
    ImportKind,
    UnitKind,
)
from apps.unit_kerja.services import import_jobs
from apps.unit_kerja.views.common import _posted

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


def _queue_import(
    request: HttpRequest, *, kind: str, template: str, columns: list[tuple[str, bool, Any]]
) -> HttpResponse:
    """An import upload: the file's own checks (size, virus scan) here, the import in the background
    (``run_import_job``); the upload lands on the job's page, which follows it."""
    actor = request_actor(request)
    form = ImportForm(_posted(request), request.FILES or None)
    if form.is_valid():
        job = run_service(
            form, lambda: import_jobs.import_job_create(actor=actor, kind=kind, file=form.cleaned_data["file"])
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
