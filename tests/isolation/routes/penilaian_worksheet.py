"""Isolation entries for the unit's worksheet pages of the penilaian (instansi A's penilaian of A1)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.penilaian.models import AreaAssignment, Jawaban, Tier
from apps.tenancy.scope import scope
from tests.isolation.registry import ListRoute, ObjectRoute
from tests.isolation.routes.bukti_dukung import make_bukti
from tests.isolation.routes.penilaian import make_penilaian

_SAVE = {"s1-answer": "Ya", "s1-note": "dibajak", "s1-evidence_link": "", "s1-version": "0"}


def _penilaian(world) -> dict:
    return {"public_id": make_penilaian(world).public_id}


def _section(world) -> dict:
    return {**_penilaian(world), "section": "pemenuhan-1"}


def _soal(world) -> dict:
    return {**_penilaian(world), "soal_id": 1}


def _assignment(world) -> dict:
    penilaian = make_penilaian(world)
    assignment = AreaAssignment.unscoped.create(
        instansi=world.instansi_a, penilaian=penilaian, area=1, assignee=world.ani
    )
    return {"public_id": penilaian.public_id, "assignment_id": assignment.public_id}


def _attached(world) -> dict:
    penilaian = make_penilaian(world)
    bukti = make_bukti(world)
    with scope(world.instansi_a.pk):
        row = Jawaban.objects.create(
            instansi=world.instansi_a,
            penilaian=penilaian,
            soal=penilaian.template.soal.get(portalrb_soal_id=1),
            tier=Tier.UNIT,
            answer="Ya",
        )
        row.evidence.add(bukti)
    return {"public_id": penilaian.public_id, "soal_id": 1, "bukti_id": bukti.public_id}


def _cycle(world) -> dict:
    return {"public_id": make_penilaian(world).cycle.public_id}


def _list(world):
    make_penilaian(world)
    return {}, world.unit_a1.name


OBJECT_ROUTES = [
    ObjectRoute("penilaian:penilaian-open", _cycle, methods=("POST",)),
    ObjectRoute("penilaian:penilaian-detail", _penilaian),
    ObjectRoute("penilaian:penilaian-submit", _penilaian, methods=("POST",)),
    ObjectRoute("penilaian:area-assign", _penilaian, methods=("POST",), data={"area": "1", "assignee": ""}),
    ObjectRoute("penilaian:area-unassign", _assignment, methods=("POST",)),
    ObjectRoute("penilaian:worksheet", _penilaian),
    ObjectRoute("penilaian:worksheet", _section),
    ObjectRoute("penilaian:worksheet-preview", _penilaian, data={"node": "36", "s88-answer": "1"}),
    ObjectRoute("penilaian:jawaban-save", _soal, methods=("POST",), data=_SAVE),
    ObjectRoute(
        "penilaian:evidence-upload",
        _soal,
        methods=("POST",),
        data={"s1-up-file": SimpleUploadedFile("x.pdf", b"%PDF-1.4\n%%EOF\n")},
    ),
    ObjectRoute("penilaian:evidence-attach", _soal, methods=("GET", "POST")),
    ObjectRoute("penilaian:evidence-detach", _attached, methods=("POST",)),
    ObjectRoute("penilaian:workbook-export", _penilaian),
    ObjectRoute("penilaian:workbook-import", _penilaian, methods=("GET", "POST")),
]

LIST_ROUTES = [ListRoute("penilaian:penilaian-list", _list)]

# The unit's operator fills the LKE; the admin ZI opens the year.
OWNERS = {route.name: "ani" for route in OBJECT_ROUTES if route.name != "penilaian:penilaian-open"}
