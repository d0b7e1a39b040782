"""Monitoring after the predikat (issue 17, PermenPANRB 90/2021 Lampiran II Bab IV): a public complaint
about a predicated unit is recorded against it and raises an early warning; the yearly evaluation
warns when the LKE or a survey index falls below its threshold; a revocation proposal with evidence
goes to KemenPANRB, whose decision revokes the predikat (the two-year block follows)."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core import workflow as wf
from apps.core.errors import PermissionDeniedError, TransitionNotAllowed
from apps.demo.management.commands.seed_demo import minimal_pdf
from apps.notifications.models import Notification
from apps.pemantauan import services
from apps.pemantauan.models import Pengaduan, PeringatanDini, StatusUsulan, UsulanPencabutan
from apps.pemantauan.workflows import USULAN_PENCABUTAN
from apps.pengusulan.eligibility import eligibility_checks, eligibility_facts
from apps.pengusulan.models import PredikatUnit
from apps.survei.models import Layanan, Respons, Survei
from apps.tenancy.models import Membership
from apps.tenancy.roles import NATIONAL_ROLES, UNIT_ROLES, Role, capabilities_for
from apps.tenancy.scope import scope
from apps.unit_kerja.models import Cycle
from tests.conftest import World, enrol_totp
from tests.core.test_workflows import _outcome
from tests.factories import MembershipFactory, UserFactory
from tests.penilaian.conftest import open_cycle_now

pytestmark = pytest.mark.django_db

TAHUN = timezone.localdate().year


def _held(world: World, unit=None) -> PredikatUnit:
    return PredikatUnit.unscoped.create(
        instansi=world.instansi_a,
        unit=unit or world.unit_a1,
        predikat="WBK",
        tahun=TAHUN - 2,
        decree_number=f"KEP/WBK/{TAHUN - 2}",
        decree_date=datetime.date(TAHUN - 2, 12, 9),
    )


def _national(role: str = Role.KEMENPANRB_ADMIN) -> Membership:
    user = UserFactory(email=f"{role}@menpan.test", name=f"Nasional {role}")
    enrol_totp(user)  # national roles need MFA before any page
    return MembershipFactory(user=user, instansi=None, role=role)


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("berita.pdf", minimal_pdf("Berita acara"), "application/pdf")


def test_a_public_complaint_is_recorded_against_the_unit_and_raises_an_early_warning(world: World) -> None:
    held = _held(world)
    client = Client()
    url = reverse("aduan:public-complaint", args=[world.unit_a1.public_id])
    assert client.get(url).status_code == 200
    # Bad input: a clear message, nothing saved.
    assert client.post(url, {"isi": "   "}).status_code == 400
    assert not Pengaduan.unscoped.exists()
    done = client.post(url, {"isi": "Petugas meminta uang pelicin.", "pelapor": "Warga"})
    assert done.status_code == 200
    assert "data-complaint-done" in done.content.decode()
    pengaduan = Pengaduan.unscoped.get()
    assert (pengaduan.unit, pengaduan.predikat, pengaduan.saluran) == (world.unit_a1, held, "publik")
    warning = PeringatanDini.unscoped.get()
    assert (warning.jenis, warning.tahun, warning.nilai) == ("pengaduan", TAHUN, 1)
    # The watchers are told: the admin ZI (citra) and the TPI (budi), not the operator.
    told = {n.recipient for n in Notification.unscoped.filter(key=f"pemantauan-peringatan:{warning.public_id}")}
    assert told == {world.citra, world.budi}
    # A second complaint refreshes the same warning (one per kind and year) and tells nobody again.
    client.post(url, {"isi": "Ada calo di loket."})
    warning.refresh_from_db()
    assert warning.nilai == 2
    assert PeringatanDini.unscoped.count() == 1
    assert Notification.unscoped.filter(kind="pemantauan_peringatan").count() == len(told) * 2  # email + in-app
    assert AuditEvent.unscoped.filter(verb="pemantauan.pengaduan").count() == 2


def test_a_unit_without_a_predikat_has_no_complaint_form(world: World) -> None:
    client = Client()
    assert client.get(reverse("aduan:public-complaint", args=[world.unit_a2.public_id])).status_code == 404
    assert client.post(reverse("aduan:public-complaint", args=[uuid.uuid4()]), {"isi": "x"}).status_code == 404
    revoked = _held(world, world.unit_a2)
    PredikatUnit.unscoped.filter(pk=revoked.pk).update(revoked_at=datetime.date(TAHUN, 1, 2))
    assert (
        client.post(reverse("aduan:public-complaint", args=[world.unit_a2.public_id]), {"isi": "x"}).status_code == 404
    )
    assert not Pengaduan.unscoped.exists()


def _survey(world: World, score: int) -> Survei:
    today = timezone.localdate()
    survei = Survei.unscoped.create(
        instansi=world.instansi_a,
        unit=world.unit_a1,
        tahun=TAHUN,
        label="Semester I",
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today,
        created_by=world.citra,
    )
    layanan = Layanan.unscoped.create(instansi=world.instansi_a, unit=world.unit_a1, name="Perizinan")
    for index in range(5):
        answers = dict.fromkeys(("spkp1", "spkp2", "spkp3", "spkp4", "spkp5", "spkp6", "spkp7", "spkp8"), 6)
        answers |= dict.fromkeys(("spak1", "spak2", "spak3", "spak4", "spak5"), score)
        Respons.unscoped.create(
            instansi=world.instansi_a, survei=survei, layanan=layanan, device_hash=f"{index:064d}", **answers
        )
    return survei


def test_the_yearly_evaluation_warns_when_an_index_falls_below_its_threshold(world: World) -> None:
    _held(world)
    _survey(world, score=3)  # SPAK 3 of 6 → IPAK 1.60 of 4, below 3.60; SPKP 6 → 4.00, fine
    admin = Membership.objects.get(user=world.citra)
    with scope(world.instansi_a.pk):
        raised = services.pemantauan_evaluate_by(actor=admin, tahun=TAHUN)
        again = services.pemantauan_evaluate_by(actor=admin, tahun=TAHUN)
        with pytest.raises(PermissionDeniedError):
            services.pemantauan_evaluate_by(actor=Membership.objects.get(user=world.ani), tahun=TAHUN)
    assert [w.jenis for w in raised] == ["ipak"]
    assert [w.pk for w in again] == [w.pk for w in raised]  # idempotent: the same row
    warning = PeringatanDini.unscoped.get()
    assert warning.nilai < warning.ambang
    assert warning.ambang == services.INDEX_MINIMUM[("WBK", "ipak")]


def test_the_overview_shows_the_year_and_only_monitors_get_in(world: World) -> None:
    _held(world)
    with scope(world.instansi_a.pk):
        services.pengaduan_record(
            actor=Membership.objects.get(user=world.citra), unit=world.unit_a1, isi="Laporan LAPOR! nomor 123"
        )
    admin = Client()
    admin.force_login(world.citra)
    page = admin.get(reverse("pemantauan:overview")).content.decode()
    assert 'data-warning="pengaduan"' in page
    assert "Laporan LAPOR! nomor 123" in page
    operator = Client()
    operator.force_login(world.ani)
    assert operator.get(reverse("pemantauan:overview")).status_code == 403
    outsider = Client()
    outsider.force_login(world.dodi)
    url = reverse("pemantauan:pengaduan-record", args=[world.unit_a1.public_id])
    assert outsider.post(url, {"isi": "x", "saluran": "lapor"}).status_code == 404
    assert Pengaduan.unscoped.count() == 1


def test_a_revocation_proposal_goes_to_kemenpanrb_whose_decision_blocks_two_years(world: World) -> None:
    held = _held(world)
    open_cycle_now(world.instansi_a)
    admin = Membership.objects.get(user=world.citra)
    with scope(world.instansi_a.pk):
        with pytest.raises(ValidationError) as refused:
            services.usulan_pencabutan_create(
                actor=admin, unit=world.unit_a1, alasan="Kepala unit tersangka.", bukti_files=[]
            )
        assert "bukti" in refused.value.message_dict
        usulan = services.usulan_pencabutan_create(
            actor=admin, unit=world.unit_a1, alasan="Kepala unit tersangka.", bukti_files=[_pdf()]
        )
        with pytest.raises(TransitionNotAllowed):
            services.usulan_pencabutan_create(actor=admin, unit=world.unit_a1, alasan="Lagi.", bukti_files=[_pdf()])
    # KemenPANRB sees it in its web view with the evidence.
    kemal = _national()
    client = Client()
    client.force_login(kemal.user)
    listing = client.get(reverse("pemantauan:national-list")).content.decode()
    assert world.unit_a1.name in listing
    detail_url = reverse("pemantauan:national-detail", args=[usulan.public_id])
    assert "berita.pdf" in client.get(detail_url).content.decode()
    instansi_client = Client()
    instansi_client.force_login(world.citra)
    assert instansi_client.get(detail_url).status_code == 403
    # No date: refused, nothing revoked; with it: revoked, audited, and the unit is blocked for two years.
    assert client.post(detail_url, {"decision": "revoke", "notes": "Terbukti."}).status_code == 400
    held.refresh_from_db()
    assert held.revoked_at is None
    revoked_on = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(detail_url, {"decision": "revoke", "notes": "Terbukti.", "revoked_on": revoked_on})
    assert response.status_code == 302
    held.refresh_from_db()
    usulan.refresh_from_db()
    assert held.revoked_at == revoked_on
    assert usulan.status == StatusUsulan.DICABUT
    audit = AuditEvent.unscoped.get(verb="pemantauan.usulan_revoke")
    assert (audit.before["status"], audit.after["status"]) == ("diusulkan", "dicabut")
    with scope(world.instansi_a.pk):
        cycle = Cycle.objects.get()
        facts = eligibility_facts(cycle=cycle, unit=world.unit_a1)
        revocation = next(c for c in eligibility_checks(facts=facts, predikat="WBK") if c.key == "revocation")
    assert revocation.passed is False
    assert revocation.blocks is True


def test_usulan_pencabutan_every_state_action_and_role_gives_the_tables_answer(world: World) -> None:
    members = {}
    for role in Role.values:
        user = UserFactory(email=f"{role}@up.test", name=f"Peran {role}")
        members[role] = MembershipFactory(
            user=user,
            instansi=None if role in NATIONAL_ROLES else world.instansi_a,
            unit=world.unit_a1 if role in UNIT_ROLES else None,
            role=role,
        )
    held = _held(world)
    usulan = UsulanPencabutan.unscoped.create(
        instansi=world.instansi_a, predikat=held, unit=world.unit_a1, alasan="x", diusulkan_oleh=world.citra
    )
    tried = {}
    for state in USULAN_PENCABUTAN.states:
        UsulanPencabutan.unscoped.filter(pk=usulan.pk).update(status=state)
        for action in USULAN_PENCABUTAN.actions:
            for role, member in members.items():
                tried[(state, action, role)] = _outcome(
                    lambda a=action, m=member: services.usulan_pencabutan_decide(
                        actor=m,
                        usulan=UsulanPencabutan.unscoped.get(pk=usulan.pk),
                        decision=a,
                        notes="Keputusan",
                        revoked_on=datetime.date(TAHUN, 1, 2),
                    )
                )
    expected = {
        (state, action, role): USULAN_PENCABUTAN.decide(state, action, capabilities_for(role))
        for state in USULAN_PENCABUTAN.states
        for action in USULAN_PENCABUTAN.actions
        for role in Role.values
    }
    assert tried == expected
    assert set(expected.values()) == {wf.ALLOWED, wf.FORBIDDEN, wf.NOT_NOW}
