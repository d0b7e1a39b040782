"""The Tabel 5 rule table for WBK and WBBM (Pemda vs K/L), afirmasi warnings, revocation and the
WBBM prerequisite."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.pengusulan.eligibility import (
    NOT_RECORDED,
    RULES,
    blocking,
    eligibility_checks,
    eligibility_facts,
    months_between,
)
from apps.pengusulan.models import InstansiEligibility, UnitEligibility
from apps.pengusulan.services import predikat_unit_record
from apps.tenancy.models import InstansiKind
from apps.unit_kerja.models import Penetapan
from tests.pengusulan.helpers import eligible_facts
from tests.penilaian.conftest import LKEWorld

pytestmark = pytest.mark.usefixtures("a_scope")


def checks(lke: LKEWorld, predikat: str) -> dict[str, object]:
    facts = eligibility_facts(cycle=lke.cycle, unit=lke.world.unit_a1)
    return {c.key: c for c in eligibility_checks(facts=facts, predikat=predikat)}


def test_the_table_has_every_tabel_5_row_for_both_predikat() -> None:
    assert [r.key for r in RULES] == [
        "opini_bpk",
        "predikat_sakip",
        "indeks_rb",
        "maturitas_spip",
        "core_service",
        "public_impact",
        "tlhp",
        "lhkpn",
        "lhkasn",
        "months",
        "sakip_internal",
    ]
    assert all(set(r.minimum) == {"WBK", "WBBM"} for r in RULES)


def test_eligible_facts_pass_everything_for_wbk(lke: LKEWorld) -> None:
    eligible_facts(lke)
    result = checks(lke, "WBK")
    assert all(c.passed for c in result.values()), [c for c in result.values() if not c.passed]
    assert result["tlhp"].value == "100 %"


def test_missing_facts_block_with_not_recorded(lke: LKEWorld) -> None:
    result = checks(lke, "WBK")
    assert result["opini_bpk"].blocks
    assert str(result["opini_bpk"].value) == str(NOT_RECORDED)
    assert result["tlhp"].blocks


@pytest.mark.parametrize(
    ("kind", "indeks", "wbk_ok", "wbbm_ok"),
    [
        (InstansiKind.KEMENTERIAN, "B", True, False),  # K/L: WBK ≥ B, WBBM ≥ BB
        (InstansiKind.KEMENTERIAN, "CC", False, False),
        (InstansiKind.KEMENTERIAN, "BB", True, True),
        (InstansiKind.KOTA, "CC", True, False),  # Pemda: WBK ≥ CC, WBBM ≥ B
        (InstansiKind.KOTA, "B", True, True),
        (InstansiKind.KABUPATEN, "C", False, False),
    ],
)
def test_indeks_rb_minimum_depends_on_pemda_or_kl(lke: LKEWorld, kind, indeks, wbk_ok, wbbm_ok) -> None:
    eligible_facts(lke)
    lke.world.instansi_a.kind = kind
    lke.world.instansi_a.save()
    lke.cycle.refresh_from_db()
    InstansiEligibility.objects.update(indeks_rb=indeks)
    assert checks(lke, "WBK")["indeks_rb"].passed is wbk_ok
    assert checks(lke, "WBBM")["indeks_rb"].passed is wbbm_ok


@pytest.mark.parametrize(
    ("field", "value", "key", "wbk_ok", "wbbm_ok"),
    [
        ("opini_bpk", "WDP", "opini_bpk", False, False),
        ("predikat_sakip", "B", "predikat_sakip", True, False),
        ("predikat_sakip", "CC", "predikat_sakip", False, False),
        ("maturitas_spip", 2, "maturitas_spip", False, False),
    ],
)
def test_instansi_minimums(lke: LKEWorld, field, value, key, wbk_ok, wbbm_ok) -> None:
    eligible_facts(lke)
    InstansiEligibility.objects.update(**{field: value})
    assert checks(lke, "WBK")[key].passed is wbk_ok
    assert checks(lke, "WBBM")[key].passed is wbbm_ok


@pytest.mark.parametrize(
    ("field", "value", "key", "wbk_ok", "wbbm_ok"),
    [
        ("is_core_service", False, "core_service", False, False),
        ("has_public_impact", False, "public_impact", False, False),
        ("tlhp_pct", Decimal("99.5"), "tlhp", False, False),
        ("lhkpn_pct", Decimal("90"), "lhkpn", False, False),
        ("lhkasn_pct", Decimal("0"), "lhkasn", False, False),
        ("sakip_internal", "B", "sakip_internal", True, False),
        ("sakip_internal", "C", "sakip_internal", False, False),
    ],
)
def test_unit_minimums(lke: LKEWorld, field, value, key, wbk_ok, wbbm_ok) -> None:
    eligible_facts(lke)
    UnitEligibility.objects.update(**{field: value})
    assert checks(lke, "WBK")[key].passed is wbk_ok
    assert checks(lke, "WBBM")[key].passed is wbbm_ok
    assert checks(lke, "WBK")[key].blocks is not wbk_ok


def test_building_time_under_twelve_months_blocks(lke: LKEWorld) -> None:
    eligible_facts(lke)
    reference = min(timezone.localdate(), lke.cycle.proposal_end)
    UnitEligibility.objects.update(zi_started_on=reference - datetime.timedelta(days=200))
    assert checks(lke, "WBK")["months"].blocks
    assert months_between(datetime.date(2025, 1, 15), datetime.date(2026, 1, 14)) == 11
    assert months_between(datetime.date(2025, 1, 15), datetime.date(2026, 1, 15)) == 12


def test_afirmasi_units_get_warnings_not_blocks(lke: LKEWorld) -> None:
    Penetapan.objects.filter(unit=lke.world.unit_a1).update(afirmasi_type="rsud")
    result = checks(lke, "WBK")
    assert not result["opini_bpk"].passed
    assert result["opini_bpk"].warning
    assert not result["opini_bpk"].blocks
    assert blocking(list(result.values())) == []


def test_a_revocation_less_than_two_years_ago_blocks_even_afirmasi(lke: LKEWorld) -> None:
    eligible_facts(lke)
    Penetapan.objects.filter(unit=lke.world.unit_a1).update(afirmasi_type="rsud")
    today = timezone.localdate()
    predikat_unit_record(
        instansi=lke.world.instansi_a,
        unit=lke.world.unit_a1,
        predikat="WBK",
        tahun=today.year - 2,
        decree_number="KEP/1",
        decree_date=today - datetime.timedelta(days=800),
        revoked_at=today - datetime.timedelta(days=300),
        revoked_reason="Kepala unit tersangka KPK",
    )
    result = checks(lke, "WBK")
    assert result["revocation"].blocks
    assert str(today - datetime.timedelta(days=300)) in str(result["revocation"].value)


def test_a_revocation_over_two_years_ago_no_longer_blocks(lke: LKEWorld) -> None:
    eligible_facts(lke)
    today = timezone.localdate()
    predikat_unit_record(
        instansi=lke.world.instansi_a,
        unit=lke.world.unit_a1,
        predikat="WBK",
        tahun=today.year - 4,
        decree_number="KEP/1",
        decree_date=today - datetime.timedelta(days=1500),
        revoked_at=today - datetime.timedelta(days=800),
    )
    assert checks(lke, "WBK")["revocation"].passed


def test_wbbm_needs_a_wbk_held_at_least_a_year(lke: LKEWorld) -> None:
    eligible_facts(lke)
    assert checks(lke, "WBBM")["wbk_held"].blocks
    assert "wbk_held" not in checks(lke, "WBK")
    recent = predikat_unit_record(
        instansi=lke.world.instansi_a,
        unit=lke.world.unit_a1,
        predikat="WBK",
        tahun=lke.cycle.tahun,
        decree_number="KEP/2",
        decree_date=lke.cycle.proposal_end - datetime.timedelta(days=100),
    )
    assert checks(lke, "WBBM")["wbk_held"].blocks
    recent.decree_date = datetime.date(lke.cycle.tahun - 1, 12, 9)
    recent.tahun = lke.cycle.tahun - 1
    recent.save()
    assert checks(lke, "WBBM")["wbk_held"].passed
    assert blocking(list(checks(lke, "WBBM").values())) == []
    recent.revoked_at = timezone.localdate()
    recent.save()
    assert checks(lke, "WBBM")["wbk_held"].blocks
