"""Isolation entries for pengusulan (proposals to KemenPANRB), their snapshots, eligibility facts,
predikat held, quotas and the proposal letter."""

from __future__ import annotations

import datetime
from decimal import Decimal

from apps.lke.services import DEFAULT_MASTER, lke_import_file
from apps.pengusulan.models import (
    InstansiEligibility,
    Pengusulan,
    PengusulanSnapshot,
    PredikatUnit,
    ProposalQuota,
    SuratPengusulan,
    UnitEligibility,
)
from apps.pengusulan.snapshot import snapshot_build, snapshot_hash
from apps.penilaian.models import Penilaian
from apps.tenancy.scope import scope
from tests.isolation.registry import PIMPINAN_INSTANSI_A, ListRoute, ObjectRoute
from tests.isolation.routes.penilaian import make_penilaian
from tests.penilaian.conftest import open_cycle_now


def make_pengusulan(world) -> Pengusulan:
    penilaian = make_penilaian(world)
    return Pengusulan.unscoped.create(
        instansi=world.instansi_a, cycle=penilaian.cycle, unit=penilaian.unit, penilaian=penilaian, predikat="WBK"
    )


def make_snapshot(world) -> PengusulanSnapshot:
    pengusulan = make_pengusulan(world)
    with scope(world.instansi_a.pk):
        data = snapshot_build(penilaian=pengusulan.penilaian, predikat="WBK", afirmasi=False)
    return PengusulanSnapshot.unscoped.create(
        instansi=world.instansi_a,
        pengusulan=pengusulan,
        number=1,
        data=data,
        sha256=snapshot_hash(data),
        created_by=world.citra,
    )


def make_instansi_facts(world) -> InstansiEligibility:
    return InstansiEligibility.unscoped.create(
        instansi=world.instansi_a,
        cycle=open_cycle_now(world.instansi_a),
        opini_bpk="WTP",
        predikat_sakip="A",
        indeks_rb="BB",
        maturitas_spip=3,
    )


def make_unit_facts(world) -> UnitEligibility:
    return UnitEligibility.unscoped.create(
        instansi=world.instansi_a,
        cycle=open_cycle_now(world.instansi_a),
        unit=world.unit_a1,
        tlhp_pct=Decimal("100"),
        lhkpn_pct=Decimal("100"),
        lhkasn_pct=Decimal("100"),
        zi_started_on=datetime.date(2024, 1, 1),
        sakip_internal="A",
    )


def make_predikat(world) -> PredikatUnit:
    return PredikatUnit.unscoped.create(
        instansi=world.instansi_a,
        unit=world.unit_a1,
        predikat="WBK",
        tahun=2024,
        decree_number="KEP-RAHASIA-A",
        decree_date=datetime.date(2024, 12, 9),
    )


def make_quota(world) -> ProposalQuota:
    return ProposalQuota.unscoped.create(instansi=world.instansi_a, tahun=2026, max_units=3)


def make_surat(world) -> SuratPengusulan:
    return SuratPengusulan.unscoped.create(
        instansi=world.instansi_a,
        cycle=open_cycle_now(world.instansi_a),
        number="B/RAHASIA-A/2026",
        date=datetime.date(2026, 5, 1),
        created_by=world.citra,
    )


def _id(make):
    return lambda world: {"public_id": make(world).public_id}


def _list_with_predikat(world):
    make_predikat(world)
    return {}, "KEP-RAHASIA-A"


def _list_with_pengusulan(world):
    make_pengusulan(world)
    return {}, world.unit_a1.name


def _list_with_surat(world):
    make_surat(world)
    return {}, "B/RAHASIA-A/2026"


def _list_with_facts(world):
    facts = make_unit_facts(world)
    # The page lists the year's units that have a penilaian: without one nobody sees the unit.
    Penilaian.unscoped.create(
        instansi=world.instansi_a,
        unit=world.unit_a1,
        cycle=facts.cycle,
        template=lke_import_file(DEFAULT_MASTER).template,
    )
    return {}, world.unit_a1.name


OBJECT_ROUTES = [
    ObjectRoute("pengusulan:pengusulan-detail", _id(make_pengusulan)),
    ObjectRoute("pengusulan:pengusulan-submit", _id(make_pengusulan), methods=("GET", "POST")),
    ObjectRoute("pengusulan:pengusulan-correct", _id(make_pengusulan), methods=("GET", "POST"), data={"reason": "x"}),
    ObjectRoute("pengusulan:pengusulan-withdraw", _id(make_pengusulan), methods=("POST",)),
    ObjectRoute("pengusulan:pengusulan-create", _id(make_penilaian), methods=("POST",), data={"predikat": "WBK"}),
    ObjectRoute("pengusulan:surat-sign", _id(make_surat), methods=("POST",), data={"confirm": "on", "password": "x"}),
    ObjectRoute("pengusulan:surat-pdf", _id(make_surat), methods=("POST",)),
    ObjectRoute(
        "pengusulan:eligibility-unit",
        lambda world: (open_cycle_now(world.instansi_a), {"public_id": world.unit_a1.public_id})[1],
        methods=("GET", "POST"),
        data={"tlhp_pct": "100"},
    ),
]

LIST_ROUTES = [
    ListRoute("pengusulan:pengusulan-list", _list_with_pengusulan),
    ListRoute("pengusulan:eligibility", _list_with_facts),
    ListRoute("pengusulan:surat-edit", _list_with_surat),
    ListRoute("pengusulan:predikat-list", _list_with_predikat),
]

TENANT_MODELS = {
    Pengusulan: make_pengusulan,
    PengusulanSnapshot: make_snapshot,
    InstansiEligibility: make_instansi_facts,
    UnitEligibility: make_unit_facts,
    PredikatUnit: make_predikat,
    ProposalQuota: make_quota,
    SuratPengusulan: make_surat,
}

OWNERS = dict.fromkeys(
    (
        "pengusulan:pengusulan-submit",
        "pengusulan:pengusulan-correct",
        "pengusulan:pengusulan-withdraw",
        "pengusulan:surat-sign",
    ),
    PIMPINAN_INSTANSI_A,
)
