"""Isolation entries for the pencanangan: the unit pages, signing links, signatures, the pact text
and the public pages (exempt: they answer by an unguessable token or code, never by instansi)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from apps.pencanangan.models import (
    PaktaIntegritas,
    PaktaRequest,
    PaktaSetting,
    PaktaText,
    Pencanangan,
    PernyataanKomitmen,
    ReminderRound,
    SigningLink,
)
from apps.pencanangan.services import DEFAULT_PAKTA_TEXT, sha256_text
from apps.unit_kerja.models import Cycle, Pegawai
from tests.factories import PegawaiFactory
from tests.isolation.registry import PIMPINAN_UNIT_A1, ListRoute, ObjectRoute, member_of_a
from tests.penilaian.conftest import open_cycle_now


def _cycle(world):
    return Cycle.unscoped.filter(instansi=world.instansi_a).first() or open_cycle_now(world.instansi_a)


def make_pegawai(world):
    return PegawaiFactory(unit=world.unit_a1, nip="197001012000031001", name="Rahasia Pegawai A")


def make_text(world) -> PaktaText:
    return PaktaText.unscoped.create(
        instansi=world.instansi_a, version=1, body=DEFAULT_PAKTA_TEXT, sha256=sha256_text(DEFAULT_PAKTA_TEXT)
    )


def make_pakta(world) -> PaktaIntegritas:
    pegawai = make_pegawai(world)
    return PaktaIntegritas.unscoped.create(
        instansi=world.instansi_a,
        cycle=_cycle(world),
        pegawai=pegawai,
        unit=world.unit_a1,
        text_version=make_text(world),
        text="Pakta rahasia A",
        text_sha256=sha256_text("Pakta rahasia A"),
        name=pegawai.name,
        nip=pegawai.nip,
        method="password",
        signed_at=datetime.datetime.now(datetime.UTC),
        verify_code="RAHASIAA2345",
    )


def make_link(world) -> SigningLink:
    return SigningLink.unscoped.create(
        instansi=world.instansi_a,
        cycle=_cycle(world),
        pegawai=make_pegawai(world),
        token_sha256=sha256_text("token-a"),
        expires_at=datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1),
    )


def make_pencanangan(world) -> Pencanangan:
    return Pencanangan.unscoped.create(
        instansi=world.instansi_a, cycle=_cycle(world), unit=world.unit_a1, date=timezone.localdate(), place="Aula A"
    )


def make_komitmen(world) -> PernyataanKomitmen:
    return PernyataanKomitmen.unscoped.create(
        instansi=world.instansi_a,
        pencanangan=make_pencanangan(world),
        text="Komitmen A",
        sha256=sha256_text("Komitmen A"),
        signed_by=world.ani,
        signed_at=datetime.datetime.now(datetime.UTC),
    )


def make_request(world) -> PaktaRequest:
    return PaktaRequest.unscoped.create(
        instansi=world.instansi_a, cycle=_cycle(world), pegawai=make_pegawai(world), round_key="ask"
    )


def make_round(world) -> ReminderRound:
    return ReminderRound.unscoped.create(instansi=world.instansi_a, cycle=_cycle(world), unit=world.unit_a1, key="r1")


def make_setting(world) -> PaktaSetting:
    return PaktaSetting.unscoped.create(instansi=world.instansi_a, threshold_pct=77)


def _unit(world):
    _cycle(world)
    return {"public_id": world.unit_a1.public_id}


def _unit_with_pencanangan(world):
    """The head signs and declares a pencanangan that exists (without it the owner gets 404 too)."""
    make_pencanangan(world)
    return {"public_id": world.unit_a1.public_id}


def _pakta(world):
    return {"public_id": make_pakta(world).public_id}


def _list_with_unsigned(world):
    _cycle(world)
    make_pegawai(world)
    return {}, world.unit_a1.name


def _text_with_version(world):
    PaktaText.unscoped.create(instansi=world.instansi_a, version=1, body="RAHASIA-A {nama} {nip}", sha256="x")
    return {}, "RAHASIA-A"


OBJECT_ROUTES = [
    ObjectRoute("pencanangan:unit-detail", _unit),
    ObjectRoute("pencanangan:pencanangan-edit", _unit, methods=("GET", "POST"), data={"place": "x"}),
    ObjectRoute(
        "pencanangan:komitmen-sign", _unit_with_pencanangan, methods=("POST",), data={"confirm": "on", "password": "x"}
    ),
    ObjectRoute("pencanangan:declare", _unit_with_pencanangan, methods=("POST",)),
    ObjectRoute("pencanangan:reminder-round", _unit, methods=("POST",)),
    ObjectRoute("pencanangan:scan-upload", _unit, methods=("POST",), data={"nip": "197001012000031001"}),
    ObjectRoute("pencanangan:unit-export", _unit),
    ObjectRoute("pencanangan:unit-rekap", _unit, methods=("POST",)),
    ObjectRoute(
        "pencanangan:pegawai-link",
        lambda world: (_cycle(world), {"public_id": make_pegawai(world).public_id})[1],
        methods=("GET", "POST"),
    ),
    ObjectRoute("pencanangan:pakta-detail", _pakta),
    ObjectRoute("pencanangan:pakta-pdf", _pakta),
    ObjectRoute("pencanangan:pakta-revoke", _pakta, methods=("POST",), data={"reason": "x"}),
]

LIST_ROUTES = [
    ListRoute("pencanangan:overview", _list_with_unsigned),
    ListRoute("pencanangan:text", _text_with_version),
    ListRoute("pencanangan:my-pakta", _list_with_unsigned),
]

EXEMPT_ROUTES = {
    "pakta-public:sign": "public: answers only to a 256-bit personal token (hash lookup), no instansi in the URL",
    "pakta-public:done": "public: answers only to a signed, expiring download token",
    "pakta-public:download": "public: answers only to a signed, expiring download token",
    "pakta-public:verify": "public: the verification form, no tenant data",
    "pakta-public:verify-code": "public by design: name, unit and date of the signature with that code",
}

TENANT_MODELS = {
    PaktaSetting: make_setting,
    PaktaText: make_text,
    PaktaIntegritas: make_pakta,
    SigningLink: make_link,
    Pencanangan: make_pencanangan,
    PernyataanKomitmen: make_komitmen,
    PaktaRequest: make_request,
    ReminderRound: make_round,
}

OWNERS = {"pencanangan:komitmen-sign": PIMPINAN_UNIT_A1, "pencanangan:declare": PIMPINAN_UNIT_A1}


def _signer_of_a1(world):
    """A pegawai of unit A1 with an account, linked to the roster entry the list build created."""
    user = member_of_a("pegawai.a1@alfa.go.id", "pegawai")(world)
    Pegawai.unscoped.filter(instansi=world.instansi_a, unit=world.unit_a1, user__isnull=True).update(user=user)
    return user


OWNERS["pencanangan:my-pakta"] = _signer_of_a1
