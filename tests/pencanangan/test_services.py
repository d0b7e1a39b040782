"""Signing the Pakta Integritas: the three ways, what the record keeps, and every refusal."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.bukti_dukung.models import BuktiDukung
from apps.core.errors import PermissionDeniedError, TransitionNotAllowed
from apps.demo.management.commands.seed_demo import minimal_pdf
from apps.pencanangan import selectors, services
from apps.pencanangan.models import PaktaIntegritas, PaktaText, PencananganStatus, SigningLink, SignMethod
from apps.pencanangan.services import (
    ALREADY_SIGNED,
    LINK_EXPIRED,
    LINK_INVALID,
    LINK_USED,
    NIP_MISMATCH,
    LinkRefused,
)
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.unit_kerja.models import UnitKerja
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, UserFactory
from tests.pencanangan.conftest import PaktaWorld

pytestmark = pytest.mark.django_db


def _count(pw: PaktaWorld) -> int:
    return PaktaIntegritas.unscoped.filter(instansi=pw.world.instansi_a).count()


def test_password_signature_keeps_the_exact_text_its_hash_and_the_version(pakta: PaktaWorld, in_scope) -> None:
    with in_scope(pakta.world.instansi_a):
        signed = services.pakta_sign_with_password(
            actor=pakta.sari_membership, cycle=pakta.cycle, password=PASSWORD, confirm=True
        )
        assert signed.method == SignMethod.PASSWORD
        assert signed.signed_by == pakta.sari
        assert "Nama: Sari Wulandari" in signed.text
        assert f"NIP: {pakta.sari_pegawai.nip}" in signed.text
        assert pakta.world.instansi_a.name in signed.text
        assert services.sha256_text(signed.text) == signed.text_sha256
        assert signed.text_version.version == 1
        assert len(signed.verify_code) == 12


def test_second_signature_in_the_same_year_is_refused_politely(pakta: PaktaWorld, in_scope) -> None:
    with in_scope(pakta.world.instansi_a):
        services.pakta_sign_with_password(
            actor=pakta.sari_membership, cycle=pakta.cycle, password=PASSWORD, confirm=True
        )
        with pytest.raises(ValidationError) as refused:
            services.pakta_sign_with_password(
                actor=pakta.sari_membership, cycle=pakta.cycle, password=PASSWORD, confirm=True
            )
    assert refused.value.messages == [str(ALREADY_SIGNED) % {"name": "Sari Wulandari", "tahun": pakta.cycle.tahun}]
    assert _count(pakta) == 1


@pytest.mark.parametrize(
    ("password", "confirm", "field"),
    [("salah", True, "password"), (PASSWORD, False, "confirm"), ("", True, "password")],
)
def test_without_consent_or_with_a_wrong_password_nothing_is_recorded(
    pakta: PaktaWorld, in_scope, password: str, confirm: bool, field: str
) -> None:
    with in_scope(pakta.world.instansi_a), pytest.raises(ValidationError) as refused:
        services.pakta_sign_with_password(
            actor=pakta.sari_membership, cycle=pakta.cycle, password=password, confirm=confirm
        )
    assert field in refused.value.error_dict
    assert _count(pakta) == 0


def test_an_account_without_a_roster_entry_cannot_sign(pakta: PaktaWorld, in_scope) -> None:
    ani = Membership.objects.get(user=pakta.world.ani)
    with in_scope(pakta.world.instansi_a), pytest.raises(ValidationError) as refused:
        services.pakta_sign_with_password(actor=ani, cycle=pakta.cycle, password=PASSWORD, confirm=True)
    assert refused.value.code == "not_on_roster"


def test_one_time_link_signs_once_with_the_right_nip(pakta: PaktaWorld, in_scope) -> None:
    ani = Membership.objects.get(user=pakta.world.ani)
    target = pakta.pegawai[3]
    with in_scope(pakta.world.instansi_a):
        new = services.signing_link_create(actor=ani, pegawai=target, cycle=pakta.cycle)
    # The token itself is never stored.
    assert not SigningLink.unscoped.filter(token_sha256=new.token).exists()

    with pytest.raises(ValidationError) as wrong_nip:
        services.pakta_sign_with_link(token=new.token, nip="199001012015011999", confirm=True)
    assert wrong_nip.value.message_dict["nip"] == [str(NIP_MISMATCH)]
    assert _count(pakta) == 0

    signed = services.pakta_sign_with_link(token=new.token, nip=f" {target.nip} ", confirm=True)
    assert signed.method == SignMethod.LINK
    assert signed.pegawai == target
    assert signed.signed_by is None

    with pytest.raises(LinkRefused) as used:
        services.pakta_sign_with_link(token=new.token, nip=target.nip, confirm=True)
    assert used.value.message == LINK_USED
    assert _count(pakta) == 1


def test_forged_expired_and_replaced_links_are_refused(pakta: PaktaWorld, in_scope) -> None:
    ani = Membership.objects.get(user=pakta.world.ani)
    target = pakta.pegawai[4]
    with in_scope(pakta.world.instansi_a):
        first = services.signing_link_create(actor=ani, pegawai=target, cycle=pakta.cycle)
        second = services.signing_link_create(actor=ani, pegawai=target, cycle=pakta.cycle)

    with pytest.raises(LinkRefused) as forged:
        services.signing_link_resolve(second.token[:-2] + "xx")
    assert forged.value.message == LINK_INVALID
    with pytest.raises(LinkRefused) as replaced:
        services.signing_link_resolve(first.token)
    assert replaced.value.code == "link_cancelled"

    SigningLink.unscoped.filter(pk=second.link.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(LinkRefused) as expired:
        services.pakta_sign_with_link(token=second.token, nip=target.nip, confirm=True)
    assert expired.value.message == LINK_EXPIRED
    assert _count(pakta) == 0


def test_scan_for_a_nip_on_the_roster_is_recorded_as_scanned(pakta: PaktaWorld, in_scope) -> None:
    ani = Membership.objects.get(user=pakta.world.ani)
    target = pakta.pegawai[5]
    scan = SimpleUploadedFile("pakta.pdf", minimal_pdf("Pakta Integritas ditandatangani"), "application/pdf")
    with in_scope(pakta.world.instansi_a):
        signed = services.pakta_scan_upload(actor=ani, cycle=pakta.cycle, nip=target.nip, file=scan)
    assert signed.method == SignMethod.SCAN
    assert signed.scan is not None
    assert signed.scan.kind == "pdf"
    assert signed.signed_by == pakta.world.ani


@pytest.mark.parametrize(
    ("nip", "upload", "field"),
    [
        ("199001012015019999", SimpleUploadedFile("p.pdf", minimal_pdf("x"), "application/pdf"), "nip"),
        (None, SimpleUploadedFile("p.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"), None),
    ],
)
def test_scan_with_an_unknown_nip_or_a_disguised_file_records_nothing(
    pakta: PaktaWorld, in_scope, nip: str | None, upload: SimpleUploadedFile, field: str | None
) -> None:
    ani = Membership.objects.get(user=pakta.world.ani)
    with in_scope(pakta.world.instansi_a), pytest.raises(ValidationError) as refused:
        services.pakta_scan_upload(actor=ani, cycle=pakta.cycle, nip=nip or pakta.pegawai[6].nip, file=upload)
    if field:
        assert field in refused.value.error_dict
    assert _count(pakta) == 0

    assert BuktiDukung.unscoped.count() == 0


def test_a_new_text_version_leaves_earlier_signatures_on_their_version(pakta: PaktaWorld, in_scope) -> None:
    citra = Membership.objects.get(user=pakta.world.citra)
    with in_scope(pakta.world.instansi_a):
        first = services.pakta_sign_with_password(
            actor=pakta.sari_membership, cycle=pakta.cycle, password=PASSWORD, confirm=True
        )
        new = services.pakta_text_update(actor=citra, body="Saya, {nama} (NIP {nip}), berjanji tahun {tahun}.")
        assert new.version == 2
        ani = Membership.objects.get(user=pakta.world.ani)
        link = services.signing_link_create(actor=ani, pegawai=pakta.pegawai[1], cycle=pakta.cycle)
    second = services.pakta_sign_with_link(token=link.token, nip=pakta.pegawai[1].nip, confirm=True)
    assert first.text_version.version == 1
    assert "PAKTA INTEGRITAS" in first.text
    assert second.text_version.version == 2
    assert second.text == f"Saya, Pegawai 01 (NIP {pakta.pegawai[1].nip}), berjanji tahun {pakta.cycle.tahun}."


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("Saya {nama} {nip} {gaji}", "placeholder"),
        ("Saya {nama} {nip", "brace"),
        ("Saya berjanji.", "placeholder_missing"),
    ],
)
def test_a_broken_text_is_refused_and_no_version_is_made(pakta: PaktaWorld, in_scope, body: str, code: str) -> None:
    citra = Membership.objects.get(user=pakta.world.citra)
    with in_scope(pakta.world.instansi_a):
        services.pakta_text_current(instansi=pakta.world.instansi_a)
        with pytest.raises(ValidationError) as refused:
            services.pakta_text_update(actor=citra, body=body)
        assert refused.value.error_dict["body"][0].code == code
        assert PaktaText.objects.count() == 1


def test_coverage_counts_active_pegawai_against_the_threshold(pakta: PaktaWorld, in_scope) -> None:
    ani = Membership.objects.get(user=pakta.world.ani)
    citra = Membership.objects.get(user=pakta.world.citra)
    with in_scope(pakta.world.instansi_a):
        units = UnitKerja.objects.filter(pk=pakta.world.unit_a1.pk)
        for target in pakta.pegawai[1:9]:
            link = services.signing_link_create(actor=ani, pegawai=target, cycle=pakta.cycle)
            services.pakta_sign_with_link(token=link.token, nip=target.nip, confirm=True)
        coverage = selectors.coverage_of(cycle=pakta.cycle, units=units)
        assert (coverage.signed, coverage.total, coverage.pct, coverage.meets, coverage.needed) == (
            8,
            10,
            80,
            False,
            1,
        )
        # Someone who has not signed leaves the unit: 8 of 9 active is 88.9 %, still short of 90 %.
        pakta.pegawai[9].is_active = False
        pakta.pegawai[9].save()
        coverage = selectors.coverage_of(cycle=pakta.cycle, units=units)
        assert (coverage.signed, coverage.total, str(coverage.pct), coverage.meets) == (8, 9, "88.9", False)
        services.pakta_setting_update(actor=citra, threshold_pct=85)
        assert selectors.coverage_of(cycle=pakta.cycle, units=units).meets is True
        by_position = {
            row.position: (row.signed, row.total)
            for row in selectors.coverage_by_position(cycle=pakta.cycle, units=units)
        }
        assert by_position == {"Analis": (4, 4), "Pengadministrasi": (4, 5)}


def test_a_pegawai_who_leaves_keeps_their_signature_in_the_history(pakta: PaktaWorld, in_scope) -> None:
    with in_scope(pakta.world.instansi_a):
        signed = services.pakta_sign_with_password(
            actor=pakta.sari_membership, cycle=pakta.cycle, password=PASSWORD, confirm=True
        )
        pakta.sari_pegawai.is_active = False
        pakta.sari_pegawai.save()
        units = UnitKerja.objects.filter(pk=pakta.world.unit_a1.pk)
        assert signed in list(selectors.signatures_of(cycle=pakta.cycle, units=units))
        assert selectors.coverage_of(cycle=pakta.cycle, units=units).total == 9


def test_revoked_signature_no_longer_stands_and_the_pegawai_may_sign_again(pakta: PaktaWorld, in_scope) -> None:
    ani = Membership.objects.get(user=pakta.world.ani)
    with in_scope(pakta.world.instansi_a):
        first = services.pakta_sign_with_password(
            actor=pakta.sari_membership, cycle=pakta.cycle, password=PASSWORD, confirm=True
        )
        with pytest.raises(ValidationError):
            services.pakta_revoke(actor=ani, pakta=first, reason="  ")
        services.pakta_revoke(actor=ani, pakta=first, reason="Tertukar dengan pegawai lain")
        again = services.pakta_sign_with_password(
            actor=pakta.sari_membership, cycle=pakta.cycle, password=PASSWORD, confirm=True
        )
    assert selectors.pakta_verify_lookup(first.verify_code).stands is False
    assert selectors.pakta_verify_lookup(again.verify_code.lower()).stands is True


def test_pencanangan_is_declared_only_after_the_head_signs_the_commitment(pakta: PaktaWorld, in_scope) -> None:
    ani = Membership.objects.get(user=pakta.world.ani)
    head = MembershipFactory(
        user=UserFactory(email="kepala@alfa.go.id", name="Kepala A1"),
        instansi=pakta.world.instansi_a,
        unit=pakta.world.unit_a1,
        role=Role.PIMPINAN_UNIT,
    )
    data = {
        "date": datetime.date(pakta.cycle.tahun, 2, 3),
        "place": "Aula Direktorat A1",
        "form": "ceremony",
        "witnesses": "Perwakilan KemenPANRB",
        "publication_links": "https://alfa.go.id/berita/pencanangan-zi",
    }
    with in_scope(pakta.world.instansi_a):
        with pytest.raises(ValidationError) as bad_link:
            services.pencanangan_save(
                actor=ani,
                unit=pakta.world.unit_a1,
                cycle=pakta.cycle,
                data={**data, "publication_links": "javascript:alert(1)"},
            )
        assert "publication_links" in bad_link.value.error_dict
        with pytest.raises(ValidationError) as bad_date:
            services.pencanangan_save(
                actor=ani, unit=pakta.world.unit_a1, cycle=pakta.cycle, data={**data, "date": datetime.date(2001, 1, 1)}
            )
        assert "date" in bad_date.value.error_dict
        pencanangan = services.pencanangan_save(actor=ani, unit=pakta.world.unit_a1, cycle=pakta.cycle, data=data)
        with pytest.raises(TransitionNotAllowed):
            services.pencanangan_declare(actor=head, pencanangan=pencanangan)
        with pytest.raises(PermissionDeniedError):
            services.komitmen_sign(actor=ani, pencanangan=pencanangan, password=PASSWORD, confirm=True)
        komitmen = services.komitmen_sign(actor=head, pencanangan=pencanangan, password=PASSWORD, confirm=True)
        assert "Kepala A1" in komitmen.text
        assert komitmen.sha256 == services.sha256_text(komitmen.text)
        declared = services.pencanangan_declare(actor=head, pencanangan=pencanangan)
        assert declared.status == PencananganStatus.DECLARED
        with pytest.raises(TransitionNotAllowed):
            services.pencanangan_save(actor=ani, unit=pakta.world.unit_a1, cycle=pakta.cycle, data=data)
