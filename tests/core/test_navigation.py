"""The top navigation: one menu per stage, each entry shown only to members who may open it."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client
from django.urls import reverse, set_script_prefix
from django.utils import translation

from apps.accounts.models import User
from apps.core import navigation
from apps.core.navigation import Group, nav_for
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from tests.conftest import World
from tests.factories import MembershipFactory, UserFactory


def _groups(page: str) -> dict[str, list[str]]:
    """``data-nav-group`` → the hrefs inside that menu, read from the rendered page."""
    found: dict[str, list[str]] = {}
    for code, body in re.findall(r'data-nav-group="(\w+)">(.*?)</details>', page, flags=re.S):
        found[code] = re.findall(r'href="([^"]+)"', body)
    return found


def test_admin_zi_sees_menus_in_cycle_order(world: World, login: Callable[[User], Client]) -> None:
    page = login(world.citra).get(reverse("core:dashboard")).content.decode()
    groups = _groups(page)
    assert list(groups) == [Group.PERSIAPAN, Group.PEMBANGUNAN, Group.PENILAIAN, Group.PENGUSULAN, Group.ADMINISTRASI]
    assert groups[Group.PERSIAPAN] == [
        reverse("unit_kerja:unit-list"),
        reverse("unit_kerja:pegawai-list"),
        reverse("unit_kerja:penetapan-list"),
        reverse("pencanangan:overview"),
        reverse("pencanangan:my-pakta"),
        reverse("pendampingan:index"),
    ]
    assert reverse("accounts:people-list") in groups[Group.ADMINISTRASI]
    assert "Persiapan" in page  # the menus are labelled in Indonesian


def test_entries_follow_capabilities(world: World, login: Callable[[User], Client]) -> None:
    """The read-only member gets no people page, no TPI set-up and no PortalRB."""
    page = login(world.evi).get(reverse("core:dashboard")).content.decode()
    for hidden in ("accounts:people-list", "penilaian:tpi-assignments", "portalrb:overview", "audit:event-list"):
        assert f'href="{reverse(hidden)}"' not in page
    assert f'href="{reverse("penilaian:penilaian-list")}"' in page


def test_a_pegawai_sees_the_register_and_their_own_pact_only(world: World) -> None:
    pegawai = UserFactory(email="pegawai@alfa.go.id")
    membership = MembershipFactory(user=pegawai, instansi=world.instansi_a, unit=world.unit_a1, role=Role.PEGAWAI)
    groups = {group.code: [url for _, url in group.items] for group in nav_for(membership)}
    assert groups[Group.PERSIAPAN] == [reverse("unit_kerja:unit-list"), reverse("pencanangan:my-pakta")]
    assert Group.PENGUSULAN not in groups


def test_national_accounts_see_only_the_national_view(db: None) -> None:
    user = UserFactory(email="tpn@menpan.go.id")
    membership = MembershipFactory(user=user, instansi=None, role=Role.TPN_EVALUATOR)
    assert [(group.code, [url for _, url in group.items]) for group in nav_for(membership)] == [
        (
            Group.NASIONAL,
            [reverse("nasional:dashboard"), reverse("pemantauan:national-list"), reverse("pendampingan:tpn-list")],
        )
    ]


def test_the_tpi_sees_the_monitoring_after_the_predikat_and_an_operator_does_not(
    world: World, login: Callable[[User], Client]
) -> None:
    """Issue 17: the pemantauan pages let the TPI in (it reviews), so its menu shows them; the menu
    follows the page's own rule, so a member refused by the page has no entry for it."""
    overview = reverse("pemantauan:overview")
    tpi = login(world.budi)
    page = tpi.get(reverse("core:dashboard")).content.decode()
    assert f'href="{overview}"' in page  # the TPI's only entry of the Proposal stage: a plain link
    tpi_groups = {g.code: [url for _, url in g.items] for g in nav_for(Membership.objects.get(user=world.budi))}
    assert tpi_groups[Group.PENGUSULAN] == [overview]
    assert tpi.get(overview).status_code == 200
    for refused in (world.ani, world.evi):  # tim kerja (operator) and read-only
        client = login(refused)
        page = client.get(reverse("core:dashboard")).content.decode()
        assert f'href="{overview}"' not in page
        assert client.get(overview).status_code == 403
    admin_page = login(world.citra).get(reverse("core:dashboard")).content.decode()
    assert overview in _groups(admin_page)[Group.PENGUSULAN]


def test_a_built_menu_is_reused_only_for_what_decides_it(world: World) -> None:
    """The menus are kept per role, state, language and URL prefix (issue 22): the same role gets the
    same menu again, while another role, another language or a deactivated membership gets its own."""
    navigation._MENUS.clear()
    admin = Membership.objects.get(user=world.citra, instansi=world.instansi_a)
    reader = Membership.objects.get(user=world.evi)
    with translation.override("id"):
        first = nav_for(admin)
        assert nav_for(admin) is first  # kept
        assert nav_for(reader) != first  # the read-only role: fewer entries
        assert "Persiapan" in [g.label for g in first]
    with translation.override("en"):
        assert "Preparation" in [g.label for g in nav_for(admin)]
    admin.is_active = False
    with translation.override("id"):
        assert nav_for(admin) != first  # only the entries every member has
    admin.is_active = True
    set_script_prefix("/zi/")
    try:
        with translation.override("id"):
            assert all(url.startswith("/zi/") for g in nav_for(admin) for _label, url in g.items)
    finally:
        set_script_prefix("/")
