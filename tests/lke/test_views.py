"""The template pages: the tree with weights, answer types, options and formulas, and the sums checked.

The instrument is global reference data, so every instansi member may read it — the outsider dodi
included (there is nothing of instansi A on it); a user without an instansi membership may not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.lke.excel.layout import SumView
from apps.lke.models import LKENode
from apps.lke.scoring import WeightCheck, weight_checks
from apps.lke.selectors import template_caches_clear
from tests.conftest import World
from tests.factories import UserFactory

Login = Callable[[User], Client]


def _detail(template) -> str:
    return reverse("lke:template-detail", kwargs={"tahun": template.tahun, "version": template.version})


def test_detail_shows_the_tree_with_weights_types_options_and_formulas(
    world: World, login: Login, lke_template
) -> None:
    response = login(world.ani).get(_detail(lke_template))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="total-check">30 + 30 + 40 = 100</strong>' in page
    assert 'id="sums-verdict"' in page
    assert "zi-check-problem" not in page
    # A node with its weight and its children's sum: MP Pemenuhan 0,5 + 1 + 1 + 1,5 = 4.
    assert "0,5 + 1 + 1 + 1,5 = 4" in page
    # A soal with its answer type and options, a count, a survey value and a derived formula in words.
    assert 'id="soal-2"' in page
    assert "A/B/C" in page
    assert "<strong>B</strong> (0,5)" in page
    assert 'id="soal-88"' in page
    assert "Jumlah" in page
    assert 'id="soal-125"' in page
    assert "Nilai (0-4)" in page
    assert 'id="derived-R.5.ii.a"' in page
    assert "[112] Jumlah pengaduan masyarakat yang selesai" in page


def test_list_links_every_version(world: World, login: Login, lke_template) -> None:
    response = login(world.evi).get(reverse("lke:template-list"))
    assert response.status_code == 200
    assert _detail(lke_template) in response.content.decode()


def test_outsider_instansi_member_reads_the_same_global_instrument(world: World, login: Login, lke_template) -> None:
    assert login(world.dodi).get(_detail(lke_template)).status_code == 200


def test_read_only_member_reads_it_too(world: World, login: Login, lke_template) -> None:
    assert login(world.evi).get(_detail(lke_template)).status_code == 200


def test_a_user_without_instansi_membership_gets_403(world: World, login: Login, lke_template) -> None:
    stranger = UserFactory(email="tamu@contoh.go.id", name="Tamu")
    assert login(stranger).get(_detail(lke_template)).status_code == 403
    assert login(stranger).get(reverse("lke:template-list")).status_code == 403


def test_anonymous_is_sent_to_login(lke_template) -> None:
    assert Client().get(_detail(lke_template)).status_code == 302


def test_an_unknown_version_is_404(world: World, login: Login, lke_template) -> None:
    url = reverse("lke:template-detail", kwargs={"tahun": lke_template.tahun, "version": 99})
    assert login(world.ani).get(url).status_code == 404


def test_pages_reject_post(world: World, login: Login, lke_template) -> None:
    assert login(world.ani).post(_detail(lke_template)).status_code == 405
    assert login(world.ani).post(reverse("lke:template-list")).status_code == 405


def test_the_sum_checks_catch_weights_that_do_not_add_up(spec) -> None:
    checks = weight_checks(spec)
    assert checks[0] == WeightCheck(None, "total", checks[0].expected, checks[0].parts)
    assert [str(p) for p in SumView.of(checks[0]).parts] == ["30", "30", "40"]
    assert all(check.ok for check in checks)
    assert len(checks) == 1 + 17 + 2  # the instrument, every node with children, the two hasil parts
    # One area made a point heavier: its sub-areas and its half no longer add up.
    pengungkit = spec.roots[0]
    pemenuhan = pengungkit.children[0]
    area = pemenuhan.children[0]
    heavier = replace(area, weight=area.weight + 1)
    pemenuhan = replace(pemenuhan, children=(heavier, *pemenuhan.children[1:]))
    broken = replace(spec, roots=(replace(pengungkit, children=(pemenuhan, *pengungkit.children[1:])), *spec.roots[1:]))
    problems = [(check.name, check.total, check.expected) for check in weight_checks(broken) if not check.ok]
    assert problems == [("I. PEMENUHAN", 31, 30), ("1. MANAJEMEN PERUBAHAN", 4, 5)]


def test_detail_marks_a_weight_that_does_not_add_up(world: World, login: Login, lke_template) -> None:
    LKENode.objects.filter(template=lke_template, portalrb_node_id=4).update(weight="0.75")  # MP i: 0.5 → 0.75
    template_caches_clear()
    page = login(world.ani).get(_detail(lke_template)).content.decode()
    template_caches_clear()
    assert 'class="zi-check zi-check-problem" id="sums-verdict"' in page
    assert "0,75 + 1 + 1 + 1,5 = 4,25" in page  # area MP: should be 4
