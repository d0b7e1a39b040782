"""Pegawai roster: NIP rules, create/update, leaving, transfers, and the tim kerja's own subtree."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from apps.audit.models import AuditEvent
from apps.core.errors import PermissionDeniedError, TransitionNotAllowed
from apps.tenancy.models import Membership
from apps.unit_kerja import validators
from apps.unit_kerja.models import Pegawai
from apps.unit_kerja.services.common import UNIT_INACTIVE, insert_unique
from apps.unit_kerja.services.roster import (
    PEGAWAI_ALREADY_LEFT,
    PEGAWAI_NIP_TAKEN,
    PEGAWAI_SAME_UNIT,
    pegawai_create,
    pegawai_deactivate,
    pegawai_transfer,
    pegawai_update,
)
from apps.unit_kerja.services.units import unit_kerja_set_head
from tests.conftest import World
from tests.factories import PegawaiFactory, UnitKerjaFactory
from tests.unit_kerja.conftest import NIP_1, NIP_2


def test_create_normalises_nip_and_audits(world: World, in_scope, ani_m: Membership) -> None:
    with in_scope(world.instansi_a):
        pegawai = pegawai_create(
            actor=ani_m,
            unit=world.unit_a1,
            nip="19850101 201001 1 001",
            name=" Sari Wulandari ",
            email="sari@alfa.go.id",
        )
        event = AuditEvent.objects.get(verb="pegawai.create", object_id=pegawai.public_id)
    assert pegawai.nip == NIP_1
    assert pegawai.name == "Sari Wulandari"
    assert event.after["nip"] == NIP_1
    assert event.after["unit"] == str(world.unit_a1.public_id)


@pytest.mark.parametrize(
    ("nip", "message"),
    [
        ("12345", validators.NIP_INVALID_LENGTH),
        ("19850101201001100A", validators.NIP_INVALID_LENGTH),
        ("١٩٨٥٠١٠١٢٠١٠٠١١٠٠١", validators.NIP_INVALID_LENGTH),  # Unicode digits are digits, but not NIP digits
        ("198513012010011001", validators.NIP_INVALID_BIRTH_DATE),  # month 13
        ("192001012010011001", validators.NIP_INVALID_BIRTH_DATE),  # born before 1930
        ("198501012010131001", validators.NIP_INVALID_APPOINTMENT),  # appointment month 13
        ("198501011980011001", validators.NIP_INVALID_APPOINTMENT),  # appointed before birth
        ("198501012010013001", validators.NIP_INVALID_SEX),
    ],
)
def test_malformed_nip_is_refused(world: World, in_scope, citra_m: Membership, nip: str, message) -> None:
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        pegawai_create(actor=citra_m, unit=world.unit_a1, nip=nip, name="Salah NIP")
    assert excinfo.value.message_dict["nip"] == [str(message)]
    assert not Pegawai.unscoped.filter(name="Salah NIP").exists()


def test_duplicate_nip_is_refused(world: World, in_scope, citra_m: Membership) -> None:
    PegawaiFactory(unit=world.unit_a2, nip=NIP_1)
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        pegawai_create(actor=citra_m, unit=world.unit_a1, nip=NIP_1, name="Kembar")
    assert excinfo.value.message_dict["nip"] == [str(PEGAWAI_NIP_TAKEN)]


def test_same_nip_in_another_instansi_is_allowed(world: World, in_scope, citra_m: Membership) -> None:
    PegawaiFactory(unit=world.unit_b1, nip=NIP_1)
    with in_scope(world.instansi_a):
        pegawai = pegawai_create(actor=citra_m, unit=world.unit_a1, nip=NIP_1, name="Pindahan")
    assert pegawai.instansi_id == world.instansi_a.pk


def test_tim_kerja_manages_only_their_own_subtree(world: World, in_scope, ani_m: Membership) -> None:
    sub = UnitKerjaFactory(parent=world.unit_a1, code="A1-SUB")
    with in_scope(world.instansi_a):
        inside = pegawai_create(actor=ani_m, unit=sub, nip=NIP_1, name="Di dalam")
        with pytest.raises(PermissionDeniedError):
            pegawai_create(actor=ani_m, unit=world.unit_a2, nip=NIP_2, name="Di luar")
    assert inside.unit_id == sub.pk
    assert not Pegawai.unscoped.filter(nip=NIP_2).exists()


def test_viewer_cannot_manage_roster(world: World, in_scope, evi_m: Membership) -> None:
    with in_scope(world.instansi_a), pytest.raises(PermissionDeniedError):
        pegawai_create(actor=evi_m, unit=world.unit_a1, nip=NIP_1, name="Tidak boleh")


def test_update_changes_and_audits_only_what_changed(world: World, in_scope, citra_m: Membership) -> None:
    pegawai = PegawaiFactory(unit=world.unit_a1, nip=NIP_1, name="Lama", rank="Penata (III/c)")
    with in_scope(world.instansi_a):
        pegawai_update(actor=citra_m, pegawai=pegawai, data={"name": "Baru", "rank": "Penata (III/c)"})
        event = AuditEvent.objects.get(verb="pegawai.update")
    pegawai.refresh_from_db()
    assert pegawai.name == "Baru"
    assert event.before == {"name": "Lama"}
    assert event.after == {"name": "Baru"}


def test_update_to_a_taken_nip_is_refused(world: World, in_scope, citra_m: Membership) -> None:
    PegawaiFactory(unit=world.unit_a1, nip=NIP_1)
    other = PegawaiFactory(unit=world.unit_a1, nip=NIP_2)
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        pegawai_update(actor=citra_m, pegawai=other, data={"nip": NIP_1})
    assert excinfo.value.message_dict["nip"] == [str(PEGAWAI_NIP_TAKEN)]
    other.refresh_from_db()
    assert other.nip == NIP_2


def test_deactivate_keeps_the_row_and_clears_head(world: World, in_scope, citra_m: Membership) -> None:
    pegawai = PegawaiFactory(unit=world.unit_a1)
    with in_scope(world.instansi_a):
        unit_kerja_set_head(actor=citra_m, unit=world.unit_a1, pegawai=pegawai)
        pegawai_deactivate(actor=citra_m, pegawai=pegawai)
        with pytest.raises(TransitionNotAllowed) as excinfo:
            pegawai_deactivate(actor=citra_m, pegawai=pegawai)
        assert AuditEvent.objects.filter(verb="pegawai.deactivate", object_id=pegawai.public_id).count() == 1
    pegawai.refresh_from_db()
    world.unit_a1.refresh_from_db()
    assert pegawai.is_active is False
    assert world.unit_a1.head_id is None
    assert str(excinfo.value) == str(PEGAWAI_ALREADY_LEFT)


def test_transfer_moves_and_clears_old_head(world: World, in_scope, citra_m: Membership) -> None:
    pegawai = PegawaiFactory(unit=world.unit_a1)
    with in_scope(world.instansi_a):
        unit_kerja_set_head(actor=citra_m, unit=world.unit_a1, pegawai=pegawai)
        pegawai_transfer(actor=citra_m, pegawai=pegawai, unit=world.unit_a2)
        event = AuditEvent.objects.get(verb="pegawai.transfer")
    pegawai.refresh_from_db()
    world.unit_a1.refresh_from_db()
    assert pegawai.unit_id == world.unit_a2.pk
    assert world.unit_a1.head_id is None
    assert event.before == {"unit": str(world.unit_a1.public_id)}
    assert event.after == {"unit": str(world.unit_a2.public_id)}


def test_transfer_rules(world: World, in_scope, citra_m: Membership, ani_m: Membership) -> None:
    pegawai = PegawaiFactory(unit=world.unit_a1)
    left = PegawaiFactory(unit=world.unit_a1, is_active=False)
    with in_scope(world.instansi_a):
        with pytest.raises(ValidationError) as same:
            pegawai_transfer(actor=citra_m, pegawai=pegawai, unit=world.unit_a1)
        with pytest.raises(TransitionNotAllowed):
            pegawai_transfer(actor=citra_m, pegawai=left, unit=world.unit_a2)
        # ani (tim kerja of A1) cannot push people out of her own subtree.
        with pytest.raises(PermissionDeniedError):
            pegawai_transfer(actor=ani_m, pegawai=pegawai, unit=world.unit_a2)
        with pytest.raises(ValidationError) as foreign:
            pegawai_transfer(actor=citra_m, pegawai=pegawai, unit=world.unit_b1)
    assert same.value.message_dict["unit"] == [str(PEGAWAI_SAME_UNIT)]
    assert "unit" in foreign.value.message_dict
    pegawai.refresh_from_db()
    assert pegawai.unit_id == world.unit_a1.pk


def test_transfer_to_inactive_unit_is_refused(world: World, in_scope, citra_m: Membership) -> None:
    closed = UnitKerjaFactory(instansi=world.instansi_a, code="TUTUP", is_active=False)
    pegawai = PegawaiFactory(unit=world.unit_a1)
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        pegawai_transfer(actor=citra_m, pegawai=pegawai, unit=closed)
    assert excinfo.value.message_dict["unit"] == [str(UNIT_INACTIVE)]


def test_concurrent_twin_becomes_a_field_error(world: World, in_scope) -> None:
    # The insert that loses a race against an identical NIP (the pre-check passed for both).
    PegawaiFactory(unit=world.unit_a1, nip=NIP_1)
    twin = Pegawai(instansi=world.instansi_a, unit=world.unit_a1, nip=NIP_1, name="Kembar")
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        insert_unique(twin, field_name="nip", message=PEGAWAI_NIP_TAKEN, code="nip_taken")
    assert excinfo.value.message_dict["nip"] == [str(PEGAWAI_NIP_TAKEN)]
    assert Pegawai.unscoped.filter(nip=NIP_1).count() == 1
