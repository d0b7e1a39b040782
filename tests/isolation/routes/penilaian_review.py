"""Isolation entries for the TPI set-up and review pages (``review_urlpatterns`` of apps/penilaian/urls.py)."""

from __future__ import annotations

from apps.penilaian.models import ItemReturnEvent, Penilaian, PenilaianStatus, TPIAssignment, TPITier
from tests.isolation.registry import ListRoute, ObjectRoute
from tests.isolation.routes.penilaian import make_penilaian, make_return

SECRET_TIER = "Tingkat Rahasia Alfa"


def _in_review(world) -> Penilaian:
    """A's penilaian at tier 1 with budi assigned: every review action would be open to budi."""
    penilaian = make_penilaian(world)
    Penilaian.unscoped.filter(pk=penilaian.pk).update(status=PenilaianStatus.IN_REVIEW, current_level=1)
    TPIAssignment.unscoped.create(
        instansi=world.instansi_a, cycle=penilaian.cycle, unit=world.unit_a1, reviewer=world.budi, level=1
    )
    return penilaian


def _penilaian(**extra):
    return lambda world: {"public_id": _in_review(world).public_id, **extra}


def _assignment(world):
    penilaian = make_penilaian(world)
    assignment = TPIAssignment.unscoped.create(
        instansi=world.instansi_a, cycle=penilaian.cycle, unit=world.unit_a1, reviewer=world.budi, level=1
    )
    return {"public_id": assignment.public_id}


def _return(world):
    item = make_return(world)
    TPIAssignment.unscoped.create(  # the reviewer who returned it, so its owner can accept it
        instansi=world.instansi_a, cycle=item.penilaian.cycle, unit=world.unit_a1, reviewer=world.budi, level=1
    )
    Penilaian.unscoped.filter(pk=item.penilaian_id).update(status=PenilaianStatus.IN_REVIEW, current_level=1)
    item.status = "fixed"
    item.save(update_fields=["status"])
    return {"public_id": item.public_id}


def _event(world) -> ItemReturnEvent:
    item = make_return(world)
    return ItemReturnEvent.unscoped.create(
        instansi=world.instansi_a, item=item, kind="returned", level=1, note="rahasia A", actor=world.budi
    )


def _secret_tier_page(world):
    TPITier.unscoped.create(instansi=world.instansi_a, level=1, name=SECRET_TIER)
    return {}, SECRET_TIER


def _secret_assignment_page(world):
    _assignment(world)
    return {}, world.unit_a1.name


def _secret_queue_page(world):
    _in_review(world)
    return {}, world.unit_a1.name


OBJECT_ROUTES = [
    ObjectRoute("penilaian:tpi-assignment-delete", _assignment, methods=("POST",)),
    ObjectRoute("penilaian:review-summary", _penilaian()),
    ObjectRoute("penilaian:review", _penilaian(section="pemenuhan-1")),
    ObjectRoute(
        "penilaian:review-save",
        _penilaian(soal_id=1),
        methods=("POST",),
        data={"answer": "Ya", "note": "Dibajak", "version": "0"},
    ),
    ObjectRoute("penilaian:review-return", _penilaian(soal_id=1), methods=("POST",), data={"note": "Dibajak"}),
    ObjectRoute("penilaian:review-accept", _return, methods=("POST",)),
    ObjectRoute("penilaian:review-send-back", _penilaian(), methods=("POST",)),
    ObjectRoute("penilaian:review-return-unanswered", _penilaian(), methods=("POST",)),
    ObjectRoute("penilaian:review-complete", _penilaian(), methods=("POST",)),
    ObjectRoute("penilaian:review-copy", _penilaian(), methods=("POST",)),
    ObjectRoute(
        "penilaian:review-recommend",
        _penilaian(),
        methods=("POST",),
        data={"decision": "layak_wbk", "reasons": "Dibajak"},
    ),
]

LIST_ROUTES = [
    ListRoute("penilaian:tpi-tiers", _secret_tier_page),
    ListRoute("penilaian:tpi-assignments", _secret_assignment_page),
    ListRoute("penilaian:review-list", _secret_queue_page),
]

TENANT_MODELS = {ItemReturnEvent: _event}

# The TPI assigned to the unit; the admin ZI manages the assignments.
OWNERS = {route.name: "budi" for route in OBJECT_ROUTES if route.name != "penilaian:tpi-assignment-delete"}
OWNERS["penilaian:review-list"] = "budi"
