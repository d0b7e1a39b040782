"""Isolation entries for the survei (services with their public links, survey periods, responses)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from apps.survei.models import Layanan, Respons, Survei
from tests.isolation.registry import ListRoute, ObjectRoute


def make_layanan(world) -> Layanan:
    return Layanan.unscoped.create(instansi=world.instansi_a, unit=world.unit_a1, name="Layanan rahasia A")


def make_survei(world) -> Survei:
    today = timezone.localdate()
    return Survei.unscoped.create(
        instansi=world.instansi_a,
        unit=world.unit_a1,
        tahun=today.year,
        label="Periode rahasia A",
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=1),
        created_by=world.citra,
    )


def make_respons(world) -> Respons:
    answers = dict.fromkeys(("spkp1", "spkp2", "spkp3", "spkp4", "spkp5", "spkp6", "spkp7", "spkp8"), 5)
    answers |= dict.fromkeys(("spak1", "spak2", "spak3", "spak4", "spak5"), 5)
    return Respons.unscoped.create(
        instansi=world.instansi_a,
        survei=make_survei(world),
        layanan=make_layanan(world),
        device_hash="a" * 64,
        **answers,
    )


def _id(make):
    return lambda world: {"public_id": make(world).public_id}


def _unit(world):
    return {"public_id": world.unit_a1.public_id}


def _list_with_survei(world):
    make_survei(world)
    return {}, "Periode rahasia A"


OBJECT_ROUTES = [
    ObjectRoute("survei:survei-detail", _id(make_survei)),
    ObjectRoute("survei:survei-close", _id(make_survei), methods=("POST",)),
    ObjectRoute("survei:survei-reopen", _id(make_survei), methods=("POST",)),
    ObjectRoute("survei:survei-report", _id(make_survei), methods=("POST",)),
    ObjectRoute("survei:survei-export", lambda w: {"public_id": make_survei(w).public_id, "fmt": "csv"}),
    ObjectRoute("survei:unit-detail", _unit),
    ObjectRoute("survei:layanan-create", _unit, methods=("POST",), data={"name": "Layanan baru"}),
    ObjectRoute("survei:layanan-toggle", _id(make_layanan), methods=("POST",)),
    ObjectRoute("survei:layanan-poster", _id(make_layanan), methods=("POST",)),
]

LIST_ROUTES = [
    ListRoute("survei:survei-list", _list_with_survei),
    ListRoute("survei:survei-create", lambda w: ({}, w.unit_a1.name)),
]

EXEMPT_ROUTES = {
    "survei_public:answer": (
        "the public answering page (no login): reached only by a service's unguessable link token; it shows "
        "the unit and service names the poster already shows publicly, and writes into the token's instansi only"
    ),
    "survei_public:thanks": "the public thank-you page after an answer; a fixed message, no tenant data",
}

TENANT_MODELS = {
    Layanan: make_layanan,
    Survei: make_survei,
    Respons: make_respons,
}
