"""Access inside one instansi (issue 18): unit narrowing, role capability and assignment on every read
path — pages, fragments, downloads, pickers and reports. Every case checks both sides: who is refused
AND who gets in, on the same URL.

The cast, all of instansi A (besides the shared personas of tests/conftest.py):

* **ani** — tim kerja of unit A1; **rina** — tim kerja of unit A2
* **pegi** — pegawai of unit A1 (only ``unit.view``)
* **budi** — TPI (assigned to A1 where a case says so); **citra** — admin ZI; **evi** — read-only
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
from apps.pengusulan.models import SuratPengusulan
from apps.penilaian.models import Jawaban, Penilaian, Tier, TPIAssignment
from apps.reports.models import Report, ReportStatus
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from apps.unit_kerja.models import Cycle, UnitKerja
from tests.conftest import World, enrol_totp
from tests.factories import MembershipFactory, PenetapanFactory, UserFactory
from tests.isolation.registry import list_routes, object_routes, owner_user
from tests.penilaian.conftest import open_cycle_now

PDF = b"%PDF-1.4\n%intra\n%%EOF\n"


@dataclass
class Cast:
    world: World
    rina: User
    pegi: User
    cycle: Cycle


def _people(world: World) -> tuple[User, User]:
    rina = UserFactory(email="rina@alfa.go.id", name="Rina Operator A2")
    MembershipFactory(user=rina, instansi=world.instansi_a, unit=world.unit_a2, role=Role.TIM_KERJA)
    pegi = UserFactory(email="pegi@alfa.go.id", name="Pegi Pegawai A1")
    MembershipFactory(user=pegi, instansi=world.instansi_a, unit=world.unit_a1, role=Role.PEGAWAI)
    return rina, pegi


@pytest.fixture
def cast(world: World) -> Cast:
    rina, pegi = _people(world)
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
    from apps.unit_kerja.models import Pegawai
    from tests.factories import PegawaiFactory

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
    from apps.lke.services import DEFAULT_MASTER, lke_import_file

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


# -----------------------------------------------------------------------------
# The matrix over every object route of the isolation registry (all built in unit A1)
# -----------------------------------------------------------------------------

# What a pegawai of unit A1 (only ``unit.view``) may open: their unit's page and its profile report.
PEGAWAI_READS = {"unit_kerja:unit-detail", "reports:report-detail", "reports:report-status", "reports:report-download"}
REFUSED = {403, 404}


def _client(user: User):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _statuses(client, url: str, route) -> dict[str, int]:
    return {
        method: getattr(client, method.lower())(url, data=route.data or None).status_code for method in route.methods
    }


@pytest.mark.parametrize("route", object_routes(), ids=lambda r: r.name)
def test_every_route_inside_the_instansi(route, world: World) -> None:
    """Operator of unit A2 vs unit A1's objects, pegawai vs operator objects, read-only vs writes, an
    unassigned TPI vs the reviewers' routes — each refused; the owner's side of the same URL is held
    by tests/isolation/test_isolation.py::test_owner_reaches_every_object_route."""
    url = reverse(route.name, kwargs=route.build(world) or None)
    rina, pegi = _people(world)
    # The operator of another unit: nothing of unit A1, on any method.
    for method, status in _statuses(_client(rina), url, route).items():
        assert status in REFUSED, f"operator of A2 {method} {url} → {status}"
    # A pegawai: only their unit's page and its profile, and never a write.
    for method, status in _statuses(_client(pegi), url, route).items():
        if method == "GET" and route.name in PEGAWAI_READS:
            assert status == 200, f"pegawai {method} {url} → {status}"
        else:
            assert status in REFUSED, f"pegawai {method} {url} → {status}"
    # The read-only member: reads are fine, every write is refused.
    for method, status in _statuses(_client(world.evi), url, route).items():
        if method != "GET":
            assert status in REFUSED, f"read-only {method} {url} → {status}"
    # A TPI not assigned to the unit: no write on the reviewers' routes, and not the review pages
    # (the pendampingan pages stay readable, like for every reader of the instansi).
    if getattr(route.owner, "__name__", route.owner) in {"budi", "assigned_tpi"}:
        tono = UserFactory(email="tono@alfa.go.id", name="Tono TPI lain")
        MembershipFactory(user=tono, instansi=world.instansi_a, role=Role.TPI)
        enrol_totp(tono)
        for method, status in _statuses(_client(tono), url, route).items():
            if method != "GET" or route.name.startswith("penilaian:"):
                assert status in REFUSED, f"unassigned TPI {method} {url} → {status}"


# -----------------------------------------------------------------------------
# The matrix over every list page of the isolation registry (rows built in unit A1)
# -----------------------------------------------------------------------------
#
# Every list route of tests/isolation/routes/ (the registry fails on an unregistered URL pattern, so
# a new list cannot be missed) is, unless classified below, a list of UNIT rows: the operator of unit
# A1 sees the marker of A1's row, the operator of unit A2 does not (200 without it, or 403), the
# pegawai of A1 sees it only on the few pages a pegawai reads, and the read-only member's POST is
# refused. The HTMX fragments, pickers and exports addressed by a unit or object (the unit's
# konsultasi and asistensi lists, the evidence picker, the pakta, survey and LKE exports) are object
# routes: test_every_route_inside_the_instansi above.

# Rows of the instansi, not of a unit: no unit narrowing applies (both operators get the same answer).
INSTANSI_LEVEL_LISTS = {
    "pencanangan:text": "the instansi's pact text, one for every unit",
    "unit_kerja:cycle-list": "the instansi's years, one set for every unit",
}
# Pages only instansi roles open: no unit member (operator or pegawai, of either unit) gets in.
INSTANSI_ROLE_LISTS = {
    "accounts:people-list": "people.manage (admin ZI)",
    "audit:event-list": "audit.view (admin ZI, heads of instansi, TPI)",
    "audit:object-history": "audit.view (admin ZI, heads of instansi, TPI)",
    "notifications:failures": "people.manage (admin ZI)",
    "pemantauan:overview": "the instansi's monitoring after the predikat (instansi roles)",
    "pengusulan:pengusulan-list": "pengusulan.view (admin ZI, head of instansi)",
    "pengusulan:eligibility": "pengusulan.view (admin ZI, head of instansi)",
    "pengusulan:surat-edit": "pengusulan.manage (admin ZI)",
    "pengusulan:predikat-list": "pengusulan.view (admin ZI, head of instansi)",
    "penilaian:tpi-tiers": "penilaian.manage (admin ZI)",
    "penilaian:tpi-assignments": "penilaian.manage (admin ZI)",
    "portalrb:overview": "portalrb.manage (admin ZI)",
    "portalrb:fetch-list": "portalrb.manage (admin ZI)",
    "rencana_aksi:heatmap": "rencana_aksi.monitor (admin ZI, head of instansi, TPI)",
    "unit_kerja:unit-create": "unit.manage (admin ZI)",
    "unit_kerja:penetapan-create": "penetapan.manage (admin ZI, head of instansi)",
}
# The TPI's own queues: only the reviewers assigned to the unit that year see its rows.
TPI_ASSIGNMENT_LISTS = {
    "penilaian:review-list": "the TPI review queue",
    "pendampingan:tpi-inbox": "the TPI inbox of unit threads (fixed in issue 18: it listed every unit)",
}
# The pages a pegawai of unit A1 (only ``unit.view``) reads, where A1's marker is theirs to see.
PEGAWAI_LISTS = {
    "core:dashboard",
    "pencanangan:my-pakta",
    "reports:report-list",
    "unit_kerja:unit-list",
    "unit_kerja:cycle-list",
}
# The signed-in person's own pages (their notifications, dashboard, own pact): a POST there is the
# person's own business; for the read-only member it must still write nothing.
PERSONAL_LISTS = {"notifications:list", "core:dashboard", "pencanangan:my-pakta"}
# Who in unit A1 reads the unit list (default: its operator, ani).
UNIT_READERS = {"pencanangan:my-pakta": None}  # None: the route's own owner (a signing pegawai of A1)


def _page(user: User, url: str) -> tuple[int, str]:
    response = _client(user).get(url)
    return response.status_code, response.content.decode(errors="replace")


def test_list_classifications_name_real_list_routes() -> None:
    names = {route.name for route in list_routes()}
    classified = set(INSTANSI_LEVEL_LISTS) | set(INSTANSI_ROLE_LISTS) | set(TPI_ASSIGNMENT_LISTS)
    assert sorted((classified | PEGAWAI_LISTS | PERSONAL_LISTS | set(UNIT_READERS)) - names) == []
    assert not set(INSTANSI_LEVEL_LISTS) & set(INSTANSI_ROLE_LISTS)
    assert not set(TPI_ASSIGNMENT_LISTS) & (set(INSTANSI_LEVEL_LISTS) | set(INSTANSI_ROLE_LISTS))


@pytest.mark.parametrize("route", list_routes(), ids=lambda r: r.name)
def test_every_list_inside_the_instansi(route, world: World) -> None:
    kwargs, marker = route.build(world)
    url = reverse(route.name, kwargs=kwargs or None)
    rina, pegi = _people(world)
    owner = owner_user(route, world)
    name = route.name

    # The owner's side: the row is on the page (so no check below passes on an empty page).
    status, html = _page(owner, url)
    assert status == 200, f"owner {owner} GET {url} → {status}"
    assert marker in html, f"the owner {owner} does not see {marker!r} at {url}"

    if name in INSTANSI_ROLE_LISTS or name in TPI_ASSIGNMENT_LISTS:
        for label, user in (("operator of A1", world.ani), ("operator of A2", rina), ("pegawai of A1", pegi)):
            status, html = _page(user, url)
            assert status == 403, f"{label} GET {url} → {status}"
    elif name in INSTANSI_LEVEL_LISTS:
        own, other = _page(world.ani, url), _page(rina, url)
        assert (own[0], marker in own[1]) == (other[0], marker in other[1]), f"{url}: the two units differ"
    else:
        # Unit rows: A1's operator (or the unit's own reader) sees them, A2's operator does not.
        reader = UNIT_READERS.get(name, world.ani) or owner
        status, html = _page(reader, url)
        assert status == 200, f"reader of A1 {reader} GET {url} → {status}"
        assert marker in html, f"reader of A1 {reader} does not see {marker!r} at {url}"
        status, html = _page(rina, url)
        assert status in REFUSED | {200}, f"operator of A2 GET {url} → {status}"
        assert marker not in html, f"operator of A2 saw {marker!r} at {url}"

    # The pegawai: A1's row only on the pages a pegawai reads.
    status, html = _page(pegi, url)
    if name in PEGAWAI_LISTS:
        assert status == 200, f"pegawai GET {url} → {status}"
        assert marker in html, f"pegawai does not see {marker!r} at {url}"
    else:
        assert marker not in html, f"pegawai saw {marker!r} at {url} ({status})"

    # An unassigned TPI does not see the unit in the TPI's own queues (the assigned owner does, above).
    if name in TPI_ASSIGNMENT_LISTS:
        tono = UserFactory(email="tono@alfa.go.id", name="Tono TPI lain")
        MembershipFactory(user=tono, instansi=world.instansi_a, role=Role.TPI)
        enrol_totp(tono)
        status, html = _page(tono, url)
        assert status == 200, f"unassigned TPI GET {url} → {status}"
        assert marker not in html, f"unassigned TPI saw {marker!r} at {url}"

    # The read-only member writes nothing through a list page (a GET-only page answers 405); on their
    # own pages the POST is refused as bad input, and no audit row (every write has one) appears.
    from apps.audit.models import AuditEvent

    written = AuditEvent.unscoped.count()
    status = _client(world.evi).post(url, data={}).status_code
    if name in PERSONAL_LISTS:
        assert status in {200, 400, 403, 405}, f"read-only POST {url} → {status}"
    else:
        assert status in {403, 405}, f"read-only POST {url} → {status}"
    assert AuditEvent.unscoped.count() == written, f"read-only POST {url} wrote"


def test_the_heatmap_export_is_for_instansi_monitors_only(world: World) -> None:
    """The one list export outside the registry's list routes (binary, by ``?tahun=``): the heatmap
    of every unit. Unit members of either unit, pegawai and read-only are refused; the monitors get
    the workbook with unit A1 in it."""
    import io

    from openpyxl import load_workbook

    from tests.isolation.routes.rencana_aksi import TAHUN, make_kegiatan

    make_kegiatan(world)
    rina, pegi = _people(world)
    url = f"{reverse('rencana_aksi:heatmap-export')}?tahun={TAHUN}"
    for label, user in (
        ("operator of A1", world.ani),
        ("operator of A2", rina),
        ("pegawai", pegi),
        ("read-only", world.evi),
    ):
        assert _client(user).get(url).status_code == 403, label
    for user in (world.citra, world.budi):  # admin ZI; TPI (instansi-wide monitoring by design)
        response = _client(user).get(url)
        assert response.status_code == 200
        names = [
            row[1] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True)
        ]
        assert world.unit_a1.name in names
