"""The yearly cycle with its windows, and penetapan: criteria, afirmasi, SK designation, conflicts."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.bukti_dukung.models import BuktiDukung
from apps.core.errors import ConflictError, PermissionDeniedError, TransitionNotAllowed, WindowClosed
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.unit_kerja.models import AfirmasiType, Cycle, Penetapan, PenetapanStatus
from apps.unit_kerja.services.cycles import (
    CYCLE_AFTER_PROPOSAL,
    CYCLE_DATE_OUTSIDE_YEAR,
    CYCLE_PROPOSAL_NOT_AFTER_FILL,
    CYCLE_REVIEW_BEFORE_FILL,
    CYCLE_REVISION_BEFORE_REVIEW,
    CYCLE_TAHUN_TAKEN,
    CYCLE_WINDOW_REVERSED,
    PENETAPAN_AFIRMASI_PEMDA_ONLY,
    PENETAPAN_CONFLICT,
    PENETAPAN_DUPLICATE,
    PENETAPAN_NO_CRITERION,
    PENETAPAN_REASON_REQUIRED,
    PENETAPAN_SK_DATE_FUTURE,
    PENETAPAN_SK_FILE_KIND,
    cycle_open,
    cycle_update,
    penetapan_create,
    penetapan_designate,
    penetapan_update,
)
from tests.conftest import World
from tests.factories import CycleFactory, PenetapanFactory
from tests.unit_kerja.conftest import csv_file, pdf_file, xlsx_file

D = datetime.date


# -----------------------------------------------------------------------------
# Cycle
# -----------------------------------------------------------------------------


def test_open_with_default_windows(world: World, in_scope, citra_m: Membership) -> None:
    with in_scope(world.instansi_a):
        cycle = cycle_open(actor=citra_m, tahun=2027)
        event = AuditEvent.objects.get(verb="cycle.open")
    assert (cycle.fill_start, cycle.fill_end) == (D(2027, 1, 1), D(2027, 3, 31))
    assert (cycle.review_start, cycle.review_end) == (D(2027, 4, 1), D(2027, 4, 30))
    assert (cycle.revision_start, cycle.revision_end) == (D(2027, 4, 1), D(2027, 5, 15))
    assert cycle.proposal_end == D(2027, 5, 31)
    assert cycle.is_open
    assert event.after["proposal_end"] == "2027-05-31"


def test_open_with_own_windows_and_later_tpn_deadline(world: World, in_scope, citra_m: Membership) -> None:
    with in_scope(world.instansi_a):
        cycle = cycle_open(actor=citra_m, tahun=2027, fill_end=D(2027, 2, 28), proposal_end=D(2027, 6, 30))
    assert cycle.fill_end == D(2027, 2, 28)
    assert cycle.proposal_end == D(2027, 6, 30)


def test_year_opened_twice_is_refused(world: World, in_scope, citra_m: Membership) -> None:
    with in_scope(world.instansi_a):
        cycle_open(actor=citra_m, tahun=2027)
        with pytest.raises(ValidationError) as excinfo:
            cycle_open(actor=citra_m, tahun=2027)
    assert excinfo.value.message_dict["tahun"] == [str(CYCLE_TAHUN_TAKEN)]


@pytest.mark.parametrize(
    ("windows", "field", "message"),
    [
        ({"fill_start": D(2026, 12, 1)}, "fill_start", CYCLE_DATE_OUTSIDE_YEAR % {"tahun": 2027}),
        ({"proposal_end": D(2028, 1, 5)}, "proposal_end", CYCLE_DATE_OUTSIDE_YEAR % {"tahun": 2027}),
        ({"fill_end": D(2027, 6, 30)}, "proposal_end", CYCLE_PROPOSAL_NOT_AFTER_FILL),
        ({"review_end": D(2027, 3, 1)}, "review_end", CYCLE_WINDOW_REVERSED),
        ({"review_start": D(2026, 12, 31)}, "review_start", CYCLE_DATE_OUTSIDE_YEAR % {"tahun": 2027}),
        ({"fill_start": D(2027, 4, 2), "fill_end": D(2027, 4, 20)}, "review_start", CYCLE_REVIEW_BEFORE_FILL),
        ({"revision_start": D(2027, 3, 1)}, "revision_start", CYCLE_REVISION_BEFORE_REVIEW),
        ({"revision_end": D(2027, 6, 15)}, "revision_end", CYCLE_AFTER_PROPOSAL),
    ],
)
def test_windows_out_of_place_are_refused_beside_the_field(
    world: World, in_scope, citra_m: Membership, windows, field: str, message
) -> None:
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        cycle_open(actor=citra_m, tahun=2027, **windows)
    assert str(message) in excinfo.value.message_dict[field]
    assert not Cycle.unscoped.filter(tahun=2027).exists()


def test_year_out_of_range_is_refused(world: World, in_scope, citra_m: Membership) -> None:
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        cycle_open(actor=citra_m, tahun=1999)
    assert "tahun" in excinfo.value.message_dict


def test_cycle_needs_cycle_manage(world: World, in_scope, ani_m: Membership, evi_m: Membership) -> None:
    for actor in (ani_m, evi_m):
        with in_scope(world.instansi_a), pytest.raises(PermissionDeniedError):
            cycle_open(actor=actor, tahun=2027)


def test_update_windows_and_close(world: World, in_scope, citra_m: Membership) -> None:
    cycle = CycleFactory(instansi=world.instansi_a)
    with in_scope(world.instansi_a):
        cycle_update(actor=citra_m, cycle=cycle, data={"proposal_end": D(2026, 6, 30), "is_open": False})
        with pytest.raises(ValidationError):
            cycle_update(actor=citra_m, cycle=cycle, data={"proposal_end": D(2027, 1, 1)})
        event = AuditEvent.objects.get(verb="cycle.update")
    cycle.refresh_from_db()
    assert cycle.proposal_end == D(2026, 6, 30)
    assert cycle.is_open is False
    assert event.before == {"proposal_end": "2026-05-31", "is_open": True}


# -----------------------------------------------------------------------------
# Penetapan
# -----------------------------------------------------------------------------


@pytest.fixture
def cycle(world: World) -> Cycle:
    return CycleFactory(instansi=world.instansi_a, tahun=2026)


def test_create_with_justified_criteria(world: World, in_scope, citra_m: Membership, cycle: Cycle) -> None:
    with in_scope(world.instansi_a):
        penetapan = penetapan_create(
            actor=citra_m,
            unit=world.unit_a1,
            cycle=cycle,
            is_core_service=True,
            core_service_reason="  Layanan perizinan adalah layanan inti. ",
            high_risk_reason="ignored because not ticked",
        )
        event = AuditEvent.objects.get(verb="penetapan.create")
    assert penetapan.status == PenetapanStatus.PROPOSED
    assert penetapan.core_service_reason == "Layanan perizinan adalah layanan inti."
    assert penetapan.high_risk_reason == ""
    assert penetapan.version == 1
    assert event.after["is_core_service"] is True


def test_at_least_one_criterion(world: World, in_scope, citra_m: Membership, cycle: Cycle) -> None:
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        penetapan_create(actor=citra_m, unit=world.unit_a1, cycle=cycle)
    assert excinfo.value.message_dict["__all__"] == [str(PENETAPAN_NO_CRITERION)]
    assert not Penetapan.unscoped.exists()


def test_each_ticked_criterion_needs_its_justification(world: World, in_scope, citra_m: Membership, cycle) -> None:
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        penetapan_create(
            actor=citra_m,
            unit=world.unit_a1,
            cycle=cycle,
            is_core_service=True,
            core_service_reason="ada",
            is_high_risk=True,
            is_broad_impact=True,
            broad_impact_reason="   ",
        )
    errors = excinfo.value.message_dict
    assert errors["high_risk_reason"] == [str(PENETAPAN_REASON_REQUIRED)]
    assert errors["broad_impact_reason"] == [str(PENETAPAN_REASON_REQUIRED)]
    assert "core_service_reason" not in errors


def test_one_penetapan_per_unit_per_year(world: World, in_scope, citra_m: Membership, cycle: Cycle) -> None:
    PenetapanFactory(unit=world.unit_a1, cycle=cycle)
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        penetapan_create(actor=citra_m, unit=world.unit_a1, cycle=cycle, is_high_risk=True, high_risk_reason="x")
    assert excinfo.value.message_dict["unit"] == [str(PENETAPAN_DUPLICATE)]


def test_afirmasi_only_for_regional_government(world: World, in_scope, citra_m: Membership, cycle: Cycle) -> None:
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        penetapan_create(
            actor=citra_m,
            unit=world.unit_a1,
            cycle=cycle,
            is_core_service=True,
            core_service_reason="x",
            afirmasi_type=AfirmasiType.RSUD,
        )
    assert excinfo.value.message_dict["afirmasi_type"] == [str(PENETAPAN_AFIRMASI_PEMDA_ONLY)]


def test_afirmasi_for_a_kota(world: World, in_scope) -> None:
    # Instansi B is a kota: its Dukcapil may build ZI under the Stranas-PK affirmation.
    admin_b = Membership.objects.create(user=world.dodi, instansi=world.instansi_b, role=Role.ADMIN_ZI)
    cycle_b = CycleFactory(instansi=world.instansi_b)
    with in_scope(world.instansi_b):
        penetapan = penetapan_create(
            actor=admin_b,
            unit=world.unit_b1,
            cycle=cycle_b,
            is_broad_impact=True,
            broad_impact_reason="Layanan kependudukan untuk seluruh warga.",
            afirmasi_type=AfirmasiType.DUKCAPIL,
        )
    assert penetapan.is_afirmasi


def test_closed_year_refuses_changes(world: World, in_scope, citra_m: Membership) -> None:
    closed = CycleFactory(instansi=world.instansi_a, is_open=False)
    with in_scope(world.instansi_a), pytest.raises(WindowClosed):
        penetapan_create(actor=citra_m, unit=world.unit_a1, cycle=closed, is_core_service=True, core_service_reason="x")


def test_penetapan_needs_penetapan_manage(world: World, in_scope, ani_m: Membership, cycle: Cycle) -> None:
    with in_scope(world.instansi_a), pytest.raises(PermissionDeniedError):
        penetapan_create(actor=ani_m, unit=world.unit_a1, cycle=cycle, is_core_service=True, core_service_reason="x")


def test_update_bumps_version_and_audits(world: World, in_scope, citra_m: Membership, cycle: Cycle) -> None:
    penetapan = PenetapanFactory(unit=world.unit_a1, cycle=cycle)
    with in_scope(world.instansi_a):
        penetapan_update(
            actor=citra_m,
            penetapan=penetapan,
            version=1,
            data={"is_high_risk": True, "high_risk_reason": "Perizinan rawan gratifikasi."},
        )
        event = AuditEvent.objects.get(verb="penetapan.update")
    penetapan.refresh_from_db()
    assert penetapan.version == 2
    assert penetapan.is_high_risk
    assert penetapan.is_core_service
    assert event.after["high_risk_reason"] == "Perizinan rawan gratifikasi."
    assert event.after["version"] == 2


def test_stale_version_is_a_conflict_and_saves_nothing(world: World, in_scope, citra_m: Membership, cycle) -> None:
    penetapan = PenetapanFactory(unit=world.unit_a1, cycle=cycle)
    with in_scope(world.instansi_a):
        penetapan_update(actor=citra_m, penetapan=penetapan, version=1, data={"core_service_reason": "Versi pertama"})
        with pytest.raises(ConflictError) as excinfo:
            penetapan_update(actor=citra_m, penetapan=penetapan, version=1, data={"core_service_reason": "Versi basi"})
    penetapan.refresh_from_db()
    assert penetapan.core_service_reason == "Versi pertama"
    assert penetapan.version == 2
    assert str(excinfo.value) == str(PENETAPAN_CONFLICT)


def _designate(actor, penetapan, **overrides):
    values = {
        "version": penetapan.version,
        "sk_number": "800/123/SK/2025",
        "sk_date": D(2025, 12, 15),
        "sk_file": pdf_file(),
    }
    values.update(overrides)
    return penetapan_designate(actor=actor, penetapan=penetapan, **values)


def test_designate_with_sk(world: World, in_scope, citra_m: Membership, cycle: Cycle) -> None:
    penetapan = PenetapanFactory(unit=world.unit_a1, cycle=cycle)
    with in_scope(world.instansi_a):
        done = _designate(citra_m, penetapan)
        event = AuditEvent.objects.get(verb="penetapan.designate")
    assert done.status == PenetapanStatus.DESIGNATED
    assert done.designated_at is not None
    assert done.sk_number == "800/123/SK/2025"
    assert done.sk_file.kind == "pdf"
    assert done.sk_file.instansi_id == world.instansi_a.pk
    assert done.version == 2
    assert event.after["status"] == PenetapanStatus.DESIGNATED
    assert event.after["sk_file"] == str(done.sk_file.public_id)


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"sk_number": "  "}, "sk_number", "required"),
        ({"sk_date": None}, "sk_date", "required"),
        ({"sk_date": D(2024, 12, 31)}, "sk_date", "sk_date_year"),
        ({"sk_file": None}, "sk_file", "required"),
        ({"sk_file": csv_file([["a", "b"]])}, "sk_file", "file_type"),
    ],
)
def test_designate_refusals_save_nothing(world: World, in_scope, citra_m, cycle, overrides, field, code) -> None:
    penetapan = PenetapanFactory(unit=world.unit_a1, cycle=cycle)
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        _designate(citra_m, penetapan, **overrides)
    assert [e.code for e in excinfo.value.error_dict[field]] == [code]
    penetapan.refresh_from_db()
    assert penetapan.status == PenetapanStatus.PROPOSED
    assert not BuktiDukung.unscoped.exists()


def test_sk_date_in_the_future_is_refused(world: World, in_scope, citra_m: Membership) -> None:
    today = timezone.localdate()
    cycle = CycleFactory(instansi=world.instansi_a, tahun=2026)
    penetapan = PenetapanFactory(unit=world.unit_a1, cycle=cycle)
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        _designate(citra_m, penetapan, sk_date=today + datetime.timedelta(days=1))
    assert excinfo.value.message_dict["sk_date"] == [str(PENETAPAN_SK_DATE_FUTURE)]


def test_sk_must_be_pdf_or_image(world: World, in_scope, citra_m: Membership, cycle: Cycle) -> None:
    penetapan = PenetapanFactory(unit=world.unit_a1, cycle=cycle)
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        _designate(citra_m, penetapan, sk_file=xlsx_file([["x"]]))
    assert excinfo.value.message_dict["sk_file"] == [str(PENETAPAN_SK_FILE_KIND)]
    assert not BuktiDukung.unscoped.exists()


def test_redesignation_keeps_or_replaces_the_file(world: World, in_scope, citra_m: Membership, cycle) -> None:
    penetapan = PenetapanFactory(unit=world.unit_a1, cycle=cycle)
    with in_scope(world.instansi_a):
        first = _designate(citra_m, penetapan)
        first_file = first.sk_file
        corrected = _designate(citra_m, first, sk_number="800/124/SK/2025", sk_file=None)
        assert corrected.sk_file_id == first_file.pk
        replaced = _designate(
            citra_m,
            corrected,
            sk_number="800/125/SK/2025",
            sk_file=SimpleUploadedFile("sk-baru.pdf", b"%PDF-1.7\nbaru\n"),
        )
    assert corrected.sk_number == "800/124/SK/2025"
    assert replaced.sk_number == "800/125/SK/2025"
    assert replaced.sk_file.replaces_id == first_file.pk
    assert replaced.version == 4


def test_designate_with_stale_version_is_a_conflict(world: World, in_scope, citra_m: Membership, cycle) -> None:
    penetapan = PenetapanFactory(unit=world.unit_a1, cycle=cycle)
    with in_scope(world.instansi_a):
        penetapan_update(actor=citra_m, penetapan=penetapan, version=1, data={"core_service_reason": "baru"})
        with pytest.raises(ConflictError):
            _designate(citra_m, penetapan, version=1)
    penetapan.refresh_from_db()
    assert penetapan.status == PenetapanStatus.PROPOSED
    assert not BuktiDukung.unscoped.exists()


def test_designated_criteria_are_locked(world: World, in_scope, citra_m: Membership, cycle: Cycle) -> None:
    penetapan = PenetapanFactory(unit=world.unit_a1, cycle=cycle)
    with in_scope(world.instansi_a):
        done = _designate(citra_m, penetapan)
        with pytest.raises(TransitionNotAllowed):
            penetapan_update(actor=citra_m, penetapan=done, version=done.version, data={"is_high_risk": True})
