"""Access inside one instansi (issue 18), as matrices over the isolation registry: every object route
and every list page built in unit A1, opened by the operator of unit A2, a pegawai of A1, the
read-only member and an unassigned TPI — and the heatmap export, the one list export outside the
registry. The cast: tests/isolation/intra.py; reports and evidence case by case: test_intra_reads.py.
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.tenancy.roles import Role
from tests.conftest import World, enrol_totp
from tests.factories import MembershipFactory, UserFactory
from tests.isolation.intra import REFUSED, client_for, unit_people
from tests.isolation.registry import list_routes, object_routes, owner_user
from tests.isolation.routes.rencana_aksi import TAHUN, make_kegiatan

# -----------------------------------------------------------------------------
# The matrix over every object route of the isolation registry (all built in unit A1)
# -----------------------------------------------------------------------------

# What a pegawai of unit A1 (only ``unit.view``) may open: their unit's page and its profile report.
PEGAWAI_READS = {"unit_kerja:unit-detail", "reports:report-detail", "reports:report-status", "reports:report-download"}


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
    rina, pegi = unit_people(world)
    # The operator of another unit: nothing of unit A1, on any method.
    for method, status in _statuses(client_for(rina), url, route).items():
        assert status in REFUSED, f"operator of A2 {method} {url} → {status}"
    # A pegawai: only their unit's page and its profile, and never a write.
    for method, status in _statuses(client_for(pegi), url, route).items():
        if method == "GET" and route.name in PEGAWAI_READS:
            assert status == 200, f"pegawai {method} {url} → {status}"
        else:
            assert status in REFUSED, f"pegawai {method} {url} → {status}"
    # The read-only member: reads are fine, every write is refused.
    for method, status in _statuses(client_for(world.evi), url, route).items():
        if method != "GET":
            assert status in REFUSED, f"read-only {method} {url} → {status}"
    # A TPI not assigned to the unit: no write on the reviewers' routes, and not the review pages
    # (the pendampingan pages stay readable, like for every reader of the instansi).
    if getattr(route.owner, "__name__", route.owner) in {"budi", "assigned_tpi"}:
        tono = UserFactory(email="tono@alfa.go.id", name="Tono TPI lain")
        MembershipFactory(user=tono, instansi=world.instansi_a, role=Role.TPI)
        enrol_totp(tono)
        for method, status in _statuses(client_for(tono), url, route).items():
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
    response = client_for(user).get(url)
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
    rina, pegi = unit_people(world)
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
    written = AuditEvent.unscoped.count()
    status = client_for(world.evi).post(url, data={}).status_code
    if name in PERSONAL_LISTS:
        assert status in {200, 400, 403, 405}, f"read-only POST {url} → {status}"
    else:
        assert status in {403, 405}, f"read-only POST {url} → {status}"
    assert AuditEvent.unscoped.count() == written, f"read-only POST {url} wrote"


def test_the_heatmap_export_is_for_instansi_monitors_only(world: World) -> None:
    """The one list export outside the registry's list routes (binary, by ``?tahun=``): the heatmap
    of every unit. Unit members of either unit, pegawai and read-only are refused; the monitors get
    the workbook with unit A1 in it."""
    make_kegiatan(world)
    rina, pegi = unit_people(world)
    url = f"{reverse('rencana_aksi:heatmap-export')}?tahun={TAHUN}"
    for label, user in (
        ("operator of A1", world.ani),
        ("operator of A2", rina),
        ("pegawai", pegi),
        ("read-only", world.evi),
    ):
        assert client_for(user).get(url).status_code == 403, label
    for user in (world.citra, world.budi):  # admin ZI; TPI (instansi-wide monitoring by design)
        response = client_for(user).get(url)
        assert response.status_code == 200
        names = [
            row[1] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True)
        ]
        assert world.unit_a1.name in names
