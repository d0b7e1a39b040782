"""Access inside one instansi (issue 18) on the read paths of reports and evidence: unit narrowing,
role capability and TPI assignment on pages, downloads and the evidence picker. Every case checks
both sides: who is refused AND who gets in, on the same URL. The cast: tests/isolation/intra.py.
The matrices over every route of the isolation registry: test_intra_matrix.py.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.accounts.models import User
from apps.bukti_dukung.models import BuktiDukung
from apps.bukti_dukung.services import bukti_dukung_upload
from apps.lke.models import Soal
from apps.lke.services import DEFAULT_MASTER, lke_import_file
from apps.pengusulan.models import SuratPengusulan
from apps.penilaian.models import Jawaban, Penilaian, Tier, TPIAssignment
from apps.reports.models import Report, ReportStatus
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from apps.unit_kerja.models import Cycle, Pegawai, UnitKerja
from tests.conftest import World, enrol_totp
from tests.factories import MembershipFactory, PegawaiFactory, PenetapanFactory, UserFactory
from tests.isolation.intra import REFUSED, unit_people
from tests.penilaian.conftest import open_cycle_now

PDF = b"%PDF-1.4\n%intra\n%%EOF\n"


@dataclass
class Cast:
    world: World
    rina: User
    pegi: User
    cycle: Cycle


@pytest.fixture
def cast(world: World) -> Cast:
    rina, pegi = unit_people(world)
    return Cast(world, rina, pegi, open_cycle_now(world.instansi_a))


def upload(world: World, user: User, name: str) -> BuktiDukung:
    with scope(world.instansi_a.pk):
        return bukti_dukung_upload(actor=Membership.objects.get(user=user), file=SimpleUploadedFile(name, PDF))


def get_status(client, url: str) -> int:
    return client.get(url).status_code


# -----------------------------------------------------------------------------
# Reports inherit the access of their subject
# -----------------------------------------------------------------------------


def _report(world: World, *, kind: str, params: dict, title: str) -> Report:
    report = Report(instansi=world.instansi_a, kind=kind, params=params, title=title, status=ReportStatus.DONE)
    report.file.save("laporan.pdf", ContentFile(PDF), save=False)
    report.sha256 = "0" * 64
    report.save()
    return report


def _report_urls(report: Report) -> list[str]:
    return [
        reverse(name, kwargs={"public_id": report.public_id})
        for name in ("reports:report-detail", "reports:report-status", "reports:report-download")
    ]


def test_unit_profile_of_another_unit_is_404_for_a_unit_operator_and_listed_for_its_own(cast: Cast, login) -> None:
    world = cast.world
    report = _report(
        world, kind="unit_profile", params={"unit": str(world.unit_a2.public_id)}, title="Profil rahasia A2"
    )
    for url in _report_urls(report):
        assert get_status(login(world.ani), url) == 404, url  # operator of A1
        assert get_status(login(cast.pegi), url) == 404, url  # pegawai of A1 (only unit.view)
        assert get_status(login(cast.rina), url) == 200, url  # operator of A2: the owner
        assert get_status(login(world.citra), url) == 200, url  # admin ZI: instansi-wide
    listing = reverse("reports:report-list")
    assert "Profil rahasia A2" not in login(world.ani).get(listing).content.decode()
    assert "Profil rahasia A2" not in login(cast.pegi).get(listing).content.decode()
    assert "Profil rahasia A2" in login(cast.rina).get(listing).content.decode()


def test_pegawai_reaches_the_profile_of_their_own_unit(cast: Cast, login) -> None:
    world = cast.world
    report = _report(world, kind="unit_profile", params={"unit": str(world.unit_a1.public_id)}, title="Profil A1")
    download = reverse("reports:report-download", kwargs={"public_id": report.public_id})
    assert get_status(login(cast.pegi), download) == 200
    assert get_status(login(cast.rina), download) == 404


def test_linking_a_login_to_a_roster_entry_stays_with_the_rosters_managers_of_the_unit(cast: Cast, login) -> None:
    """Issue 17: a pact signed with a login names the pegawai linked to it — so nobody links their own
    login to someone's entry. The pegawai of A1 cannot (not even to an entry of their own name); the
    operator of A2 does not see A1's entry (404); the operator of A1 links it."""
    world = cast.world
    entry = PegawaiFactory(unit=world.unit_a1, name="Pegi Pegawai A1")
    url = reverse("unit_kerja:pegawai-account", kwargs={"public_id": entry.public_id})
    assert login(cast.pegi).post(url, {"user": cast.pegi.email}).status_code in REFUSED
    assert login(cast.rina).get(url).status_code == 404
    assert login(cast.rina).post(url, {"user": cast.pegi.email}).status_code == 404
    assert Pegawai.unscoped.get(pk=entry.pk).user is None
    assert login(world.ani).post(url, {"user": cast.pegi.email}).status_code == 302
    assert Pegawai.unscoped.get(pk=entry.pk).user == cast.pegi


def _penilaian(world: World, cycle: Cycle, unit: UnitKerja) -> Penilaian:
    template = lke_import_file(DEFAULT_MASTER).template
    return Penilaian.unscoped.create(instansi=world.instansi_a, unit=unit, cycle=cycle, template=template)


def test_tpi_taken_off_a_unit_no_longer_reaches_its_lhe(cast: Cast, login) -> None:
    world = cast.world
    penilaian = _penilaian(world, cast.cycle, world.unit_a1)
    assignment = TPIAssignment.unscoped.create(
        instansi=world.instansi_a, cycle=cast.cycle, unit=world.unit_a1, reviewer=world.budi, level=1
    )
    report = _report(world, kind="lhe", params={"penilaian": str(penilaian.public_id)}, title="LHE rahasia A1")
    listing = reverse("reports:report-list")
    for url in _report_urls(report):
        assert get_status(login(world.budi), url) == 200, url
    assert "LHE rahasia A1" in login(world.budi).get(listing).content.decode()

    TPIAssignment.unscoped.filter(pk=assignment.pk).delete()
    for url in _report_urls(report):
        assert get_status(login(world.budi), url) == 403, url
        assert get_status(login(world.citra), url) == 200, url
    assert "LHE rahasia A1" not in login(world.budi).get(listing).content.decode()
    assert "LHE rahasia A1" in login(world.citra).get(listing).content.decode()


# -----------------------------------------------------------------------------
# Evidence inherits the access of what holds it
# -----------------------------------------------------------------------------


def _download(bukti: BuktiDukung) -> str:
    return reverse("bukti_dukung:download", args=[bukti.public_id])


def test_sk_file_of_another_units_penetapan_is_404_for_a_unit_operator(cast: Cast, login) -> None:
    world = cast.world
    bukti = upload(world, world.citra, "sk-penetapan-a2.pdf")
    PenetapanFactory(unit=world.unit_a2, sk_file=bukti)
    for name in ("bukti_dukung:download", "bukti_dukung:preview"):
        url = reverse(name, args=[bukti.public_id])
        assert get_status(login(world.ani), url) == 404, url
        assert get_status(login(cast.pegi), url) == 404, url
        assert get_status(login(cast.rina), url) == 200, url
        assert get_status(login(world.evi), url) == 200, url  # read-only, instansi-wide
        assert get_status(login(world.citra), url) == 200, url  # the uploader


def test_pegawai_may_not_download_an_sptjm(cast: Cast, login) -> None:
    world = cast.world
    bukti = upload(world, world.citra, "sptjm.pdf")
    SuratPengusulan.unscoped.create(
        instansi=world.instansi_a,
        cycle=cast.cycle,
        number="B/1/2026",
        date=datetime.date(2026, 5, 1),
        created_by=world.citra,
        sptjm_file=bukti,
    )
    assert get_status(login(cast.pegi), _download(bukti)) == 404
    assert get_status(login(world.ani), _download(bukti)) == 404  # no pengusulan.view either
    pimpinan = UserFactory(email="pimpinan@alfa.go.id", name="Pimpinan A")
    MembershipFactory(user=pimpinan, instansi=world.instansi_a, role=Role.PIMPINAN_INSTANSI)
    enrol_totp(pimpinan)
    assert get_status(login(pimpinan), _download(bukti)) == 200


def test_an_unattached_upload_is_its_uploaders_alone(cast: Cast, login) -> None:
    world = cast.world
    bukti = upload(world, world.ani, "draft.pdf")
    assert get_status(login(world.ani), _download(bukti)) == 200
    assert get_status(login(cast.rina), _download(bukti)) == 404


def test_evidence_picker_offers_and_accepts_only_the_units_own_files(cast: Cast, login) -> None:
    world = cast.world
    own = _penilaian(world, cast.cycle, world.unit_a1)
    other = _penilaian(world, cast.cycle, world.unit_a2)
    soal = Soal.objects.get(template=own.template, portalrb_soal_id=1)
    foreign = upload(world, cast.rina, "rahasia-unit-a2.pdf")
    with scope(world.instansi_a.pk):
        jawaban = Jawaban.objects.create(instansi=world.instansi_a, penilaian=other, soal=soal, tier=Tier.UNIT)
        jawaban.evidence.add(foreign)
    mine = upload(world, world.ani, "bukti-unit-a1.pdf")

    url = reverse("penilaian:evidence-attach", kwargs={"public_id": own.public_id, "soal_id": 1})
    page = login(world.ani).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "bukti-unit-a1.pdf" in html
    assert "rahasia-unit-a2.pdf" not in html

    login(world.ani).post(url, {"s1-pick-bukti": str(foreign.public_id)})
    with scope(world.instansi_a.pk):
        assert not Jawaban.objects.filter(penilaian=own, evidence=foreign).exists()
    login(world.ani).post(url, {"s1-pick-bukti": str(mine.public_id)})
    with scope(world.instansi_a.pk):
        assert Jawaban.objects.filter(penilaian=own, evidence=mine).exists()
    # The other unit's operator reaches their own file, the first one does not.
    assert get_status(login(cast.rina), _download(foreign)) == 200
    assert get_status(login(world.ani), _download(foreign)) == 404
