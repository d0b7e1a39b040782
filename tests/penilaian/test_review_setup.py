"""TPI set-up pages of the admin ZI: the tiers and the assignments of TPI members to units."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.penilaian.models import TPIAssignment, TPITier
from apps.penilaian.services.setup import ASSIGNMENT_DUPLICATE, TIERS_INVALID, tpi_tiers_digest
from apps.penilaian.views.review import ASSIGNED, TIERS_SAVED
from apps.tenancy.scope import scope
from tests.penilaian.conftest import LKEWorld
from tests.penilaian.test_review_support import TIER_NAMES

TIERS_URL = reverse("penilaian:tpi-tiers")
ASSIGN_URL = reverse("penilaian:tpi-assignments")


def tiers(world) -> list[tuple[int, str]]:
    return list(TPITier.unscoped.filter(instansi=world.instansi_a).order_by("level").values_list("level", "name"))


# -----------------------------------------------------------------------------
# Tiers
# -----------------------------------------------------------------------------


def seen(lke: LKEWorld) -> str:
    """What the tiers form carries: the digest of the names saved now."""
    with scope(lke.world.instansi_a.pk):
        return tpi_tiers_digest(instansi_id=lke.world.instansi_a.pk)


def test_a_stale_tiers_form_is_a_conflict_and_saves_nothing(lke: LKEWorld, login) -> None:
    client = login(lke.world.citra)
    before = seen(lke)
    client.post(TIERS_URL, {"seen": before, "names": ["Anggota tim", "Ketua tim"]})
    stale = client.post(TIERS_URL, {"seen": before, "names": ["Ketikan saya"]})
    assert "Pengguna lain telah menyimpan" in stale.content.decode()
    assert 'value="Ketikan saya"' in stale.content.decode()
    assert tiers(lke.world) == [(1, "Anggota tim"), (2, "Ketua tim")]


def test_admin_sets_three_tiers(lke: LKEWorld, login) -> None:
    client = login(lke.world.citra)
    page = client.get(TIERS_URL)
    assert page.status_code == 200
    assert page.content.decode().count('name="names"') == 3

    response = client.post(TIERS_URL, {"seen": seen(lke), "names": TIER_NAMES}, follow=True)
    assert response.redirect_chain[-1][0] == TIERS_URL
    assert str(TIERS_SAVED) in response.content.decode()
    assert tiers(lke.world) == list(enumerate(TIER_NAMES, start=1))
    # The page shows them back for editing.
    assert "Pengendali teknis" in client.get(TIERS_URL).content.decode()


def test_admin_reduces_to_two_tiers_by_leaving_one_empty(lke: LKEWorld, login) -> None:
    client = login(lke.world.citra)
    client.post(TIERS_URL, {"seen": seen(lke), "names": TIER_NAMES})
    client.post(TIERS_URL, {"seen": seen(lke), "names": ["Anggota tim", "Pengendali teknis", ""]})
    assert tiers(lke.world) == [(1, "Anggota tim"), (2, "Pengendali teknis")]


@pytest.mark.parametrize("names", [["a", "b", "c", "d"], ["", "", ""]], ids=["4th-tier", "none"])
def test_a_fourth_tier_or_none_is_refused_and_nothing_saved(lke: LKEWorld, login, names) -> None:
    client = login(lke.world.citra)
    client.post(TIERS_URL, {"seen": seen(lke), "names": ["Anggota tim"]})
    response = client.post(TIERS_URL, {"seen": seen(lke), "names": names})
    assert response.status_code == 200
    assert str(TIERS_INVALID) in response.content.decode()
    assert tiers(lke.world) == [(1, "Anggota tim")]


def test_a_too_long_tier_name_is_a_form_error(lke: LKEWorld, login) -> None:
    response = login(lke.world.citra).post(TIERS_URL, {"seen": seen(lke), "names": ["x" * 101]})
    assert response.status_code == 200
    assert 'id="names-errors"' in response.content.decode()
    assert tiers(lke.world) == []


@pytest.mark.parametrize("persona", ["budi", "evi", "ani", "dodi"])
def test_only_the_admin_may_set_tiers(lke: LKEWorld, login, persona: str) -> None:
    client = login(getattr(lke.world, persona))
    assert client.get(TIERS_URL).status_code == 403
    assert client.post(TIERS_URL, {"seen": seen(lke), "names": ["Dibajak"]}).status_code == 403
    assert tiers(lke.world) == []


def test_tiers_page_refuses_other_methods(lke: LKEWorld, login) -> None:
    assert login(lke.world.citra).put(TIERS_URL).status_code == 405


# -----------------------------------------------------------------------------
# Assignments
# -----------------------------------------------------------------------------


def test_admin_sees_the_years_assignments(lke: LKEWorld, login) -> None:
    response = login(lke.world.citra).get(ASSIGN_URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert lke.world.unit_a1.name in body
    assert lke.world.budi.name in body


def test_admin_assigns_a_tpi_member_at_tier_2(lke: LKEWorld, login) -> None:
    client = login(lke.world.citra)
    client.post(TIERS_URL, {"seen": seen(lke), "names": TIER_NAMES})
    budi = lke.world.membership(lke.world.budi)
    response = client.post(
        f"{ASSIGN_URL}?tahun={lke.cycle.tahun}",
        {"unit": str(lke.world.unit_a1.public_id), "reviewer": str(budi.public_id), "level": "2"},
        follow=True,
    )
    body = response.content.decode()
    assert str(ASSIGNED % {"reviewer": lke.world.budi, "unit": lke.world.unit_a1.name, "level": 2}) in body
    assert set(TPIAssignment.unscoped.values_list("level", flat=True)) == {1, 2}


def test_a_duplicate_assignment_is_refused_beside_the_reviewer(lke: LKEWorld, login) -> None:
    budi = lke.world.membership(lke.world.budi)
    response = login(lke.world.citra).post(
        ASSIGN_URL, {"unit": str(lke.world.unit_a1.public_id), "reviewer": str(budi.public_id), "level": "1"}
    )
    assert response.status_code == 200
    assert str(ASSIGNMENT_DUPLICATE) in response.content.decode()
    assert TPIAssignment.unscoped.count() == 1


@pytest.mark.parametrize("level", ["2", "4", "x"])
def test_a_tier_that_is_not_configured_is_not_offered_nor_accepted(lke: LKEWorld, login, level: str) -> None:
    budi = lke.world.membership(lke.world.budi)
    client = login(lke.world.citra)
    assert 'value="2"' not in client.get(ASSIGN_URL).content.decode()  # only tier 1 exists
    response = client.post(
        ASSIGN_URL, {"unit": str(lke.world.unit_a1.public_id), "reviewer": str(budi.public_id), "level": level}
    )
    assert response.status_code == 200
    assert 'id="id_level_error"' in response.content.decode()
    assert TPIAssignment.unscoped.count() == 1


def test_only_tpi_members_and_units_with_an_lke_are_offered(lke: LKEWorld, login) -> None:
    evi = lke.world.membership(lke.world.evi)
    client = login(lke.world.citra)
    body = client.get(ASSIGN_URL).content.decode()
    assert str(evi.public_id) not in body
    assert str(lke.world.unit_a2.public_id) not in body  # A2 has no penilaian this year
    response = client.post(
        ASSIGN_URL, {"unit": str(lke.world.unit_a2.public_id), "reviewer": str(evi.public_id), "level": "1"}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert TPIAssignment.unscoped.count() == 1


def test_an_unknown_year_is_not_found(lke: LKEWorld, login) -> None:
    assert login(lke.world.citra).get(f"{ASSIGN_URL}?tahun=1999").status_code == 404


def test_admin_removes_an_assignment(lke: LKEWorld, login) -> None:
    assignment = TPIAssignment.unscoped.get()
    url = reverse("penilaian:tpi-assignment-delete", kwargs={"public_id": assignment.public_id})
    client = login(lke.world.citra)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert not TPIAssignment.unscoped.exists()


@pytest.mark.parametrize("persona", ["budi", "evi", "ani"])
def test_members_without_the_capability_get_403_on_assignments(lke: LKEWorld, login, persona: str) -> None:
    client = login(getattr(lke.world, persona))
    assignment = TPIAssignment.unscoped.get()
    assert client.get(ASSIGN_URL).status_code == 403
    delete = reverse("penilaian:tpi-assignment-delete", kwargs={"public_id": assignment.public_id})
    assert client.post(delete).status_code == 403
    assert TPIAssignment.unscoped.count() == 1


def test_the_outsider_gets_404_on_an_assignment_and_403_on_the_pages(lke: LKEWorld, login) -> None:
    client = login(lke.world.dodi)
    assignment = TPIAssignment.unscoped.get()
    delete = reverse("penilaian:tpi-assignment-delete", kwargs={"public_id": assignment.public_id})
    assert client.post(delete).status_code == 404
    assert client.get(ASSIGN_URL).status_code == 403
    assert TPIAssignment.unscoped.count() == 1
