"""The proposal requirements as data (PermenPANRB 5/2024 Tabel 5, REFERENCE §1.3e, h).

``RULES`` is the table: one ``Rule`` per row with the minimum for WBK and for WBBM (the indeks RB
minimum differs for a Pemda and a K/L). ``eligibility_checks`` evaluates it for one unit and
predikat and returns every check with its value, requirement, pass/fail and whether it blocks.

Two more checks are not Tabel 5 rows and always block, even for an afirmasi unit:

* a predikat revoked less than two years ago (90/2021 Lampiran II Bab IV C);
* WBBM needs a WBK predikat, not revoked, whose decree is at least a year old at the proposal
  deadline (the unit then built ≥ 1 year towards WBBM).

Afirmasi units (Stranas PK, ``Penetapan.afirmasi_type`` set) may be proposed "while still fulfilling"
Tabel 5: its unmet rows are warnings, not blocks.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.pengusulan.deadlines import proposal_closes_on
from apps.pengusulan.models import (
    Grade,
    InstansiEligibility,
    OpiniBPK,
    Predikat,
    PredikatUnit,
    UnitEligibility,
)
from apps.tenancy.models import InstansiKind
from apps.unit_kerja.models import Cycle, Penetapan, UnitKerja

OPINI_ORDER = [c.value for c in OpiniBPK]  # best first
GRADE_ORDER = [c.value for c in Grade]  # best first
PEMDA_KINDS = frozenset({InstansiKind.PROVINSI, InstansiKind.KABUPATEN, InstansiKind.KOTA})

NOT_RECORDED = _("not recorded")
YES = _("yes")
NO = _("no")
REVOKED_RECENTLY = _("Predikat %(predikat)s revoked on %(date)s: no new proposal before %(until)s.")
NO_REVOCATION = _("No predikat revoked in the last two years")
WBK_PREREQUISITE = _("Holds WBK (not revoked) for at least a year")
WBK_HELD_SINCE = _("WBK %(tahun)s, decree of %(date)s")
NO_WBK = _("no WBK predikat")


@dataclass(frozen=True)
class Rule:
    """One row of Tabel 5. ``minimum[predikat]`` is the minimum value, or for a rule that differs
    by instansi kind a dict ``{"pemda": …, "kl": …}``."""

    key: str
    level: str  # "instansi" | "unit"
    label: Promise
    kind: str  # "opini" | "grade" | "level" | "yes" | "pct" | "months"
    minimum: dict[str, Any]
    field: str


RULES: list[Rule] = [
    Rule("opini_bpk", "instansi", _("BPK opinion"), "opini", {"WBK": "WTP", "WBBM": "WTP"}, "opini_bpk"),
    Rule("predikat_sakip", "instansi", _("SAKIP predicate"), "grade", {"WBK": "B", "WBBM": "BB"}, "predikat_sakip"),
    Rule(
        "indeks_rb",
        "instansi",
        _("RB index"),
        "grade",
        {"WBK": {"pemda": "CC", "kl": "B"}, "WBBM": {"pemda": "B", "kl": "BB"}},
        "indeks_rb",
    ),
    Rule("maturitas_spip", "instansi", _("SPIP maturity"), "level", {"WBK": 3, "WBBM": 3}, "maturitas_spip"),
    Rule(
        "core_service", "unit", _("Core service of the instansi"), "yes", {"WBK": True, "WBBM": True}, "is_core_service"
    ),
    Rule(
        "public_impact",
        "unit",
        _("Significant impact on public perception"),
        "yes",
        {"WBK": True, "WBBM": True},
        "has_public_impact",
    ),
    Rule("tlhp", "unit", _("Follow-up of APIP/BPK findings (TLHP)"), "pct", {"WBK": 100, "WBBM": 100}, "tlhp_pct"),
    Rule("lhkpn", "unit", _("LHKPN filing compliance"), "pct", {"WBK": 100, "WBBM": 100}, "lhkpn_pct"),
    Rule("lhkasn", "unit", _("LHKASN filing compliance"), "pct", {"WBK": 100, "WBBM": 100}, "lhkasn_pct"),
    Rule("months", "unit", _("Months building ZI"), "months", {"WBK": 12, "WBBM": 12}, "zi_started_on"),
    Rule(
        "sakip_internal", "unit", _("Internal SAKIP predicate"), "grade", {"WBK": "B", "WBBM": "BB"}, "sakip_internal"
    ),
]


@dataclass(frozen=True)
class Check:
    """One evaluated requirement: what was found, what is required, whether it passes and blocks."""

    key: str
    level: str
    label: str | Promise
    value: str | Promise
    requirement: str | Promise
    passed: bool
    blocks: bool

    @property
    def warning(self) -> bool:
        return not self.passed and not self.blocks


def is_pemda(kind: str) -> bool:
    return kind in PEMDA_KINDS


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` to ``end`` (0 when end is earlier)."""
    months = (end.year - start.year) * 12 + (end.month - start.month) - (1 if end.day < start.day else 0)
    return max(0, months)


def reference_date(cycle: Cycle) -> datetime.date:
    """Building time is counted up to today, but never past the proposal deadline."""
    return min(timezone.localdate(), proposal_closes_on(cycle))


def _minimum(rule: Rule, predikat: str, pemda: bool) -> Any:
    minimum = rule.minimum[predikat]
    if isinstance(minimum, dict):
        return minimum["pemda" if pemda else "kl"]
    return minimum


_AT_LEAST: dict[str, Callable[[Any, Any], bool]] = {
    "opini": lambda value, minimum: OPINI_ORDER.index(value) <= OPINI_ORDER.index(minimum),
    "grade": lambda value, minimum: GRADE_ORDER.index(value) <= GRADE_ORDER.index(minimum),
    "level": lambda value, minimum: int(value) >= minimum,
    "yes": lambda value, minimum: bool(value) is True,
    "pct": lambda value, minimum: Decimal(value) >= Decimal(minimum),
    "months": lambda value, minimum: int(value) >= minimum,
}


def _requirement_text(rule: Rule, minimum: Any) -> str:
    if rule.kind == "yes":
        return str(YES)
    if rule.kind == "pct":
        return f"{minimum} %"
    if rule.kind in {"level", "months"}:
        return f"≥ {minimum}"
    return f"min. {minimum}"


def _value_text(rule: Rule, value: Any) -> str:
    if rule.kind == "yes":
        return str(YES if value else NO)
    if rule.kind == "pct":
        return f"{Decimal(value).normalize():f} %"
    return str(value)


def evaluate_rule(rule: Rule, *, predikat: str, pemda: bool, source: Any, cycle: Cycle, afirmasi: bool) -> Check:
    """One Tabel 5 row for one predikat. Missing facts fail (and block unless afirmasi)."""
    minimum = _minimum(rule, predikat, pemda)
    if source is None:
        value: Any = None
    elif rule.kind == "months":
        value = months_between(source.zi_started_on, reference_date(cycle))
    else:
        value = getattr(source, rule.field)
    passed = value is not None and _AT_LEAST[rule.kind](value, minimum)
    return Check(
        key=rule.key,
        level=rule.level,
        label=rule.label,
        value=NOT_RECORDED if value is None else _value_text(rule, value),
        requirement=_requirement_text(rule, minimum),
        passed=passed,
        blocks=not passed and not afirmasi,
    )


def _revocation_check(predikats: list[PredikatUnit], cycle: Cycle) -> Check:
    today = reference_date(cycle)
    for held in predikats:
        if held.revoked_at is None:
            continue
        until = _add_years(held.revoked_at, 2)
        if today < until:
            message = REVOKED_RECENTLY % {"predikat": held.predikat, "date": held.revoked_at, "until": until}
            return Check("revocation", "unit", NO_REVOCATION, message, "—", passed=False, blocks=True)
    return Check("revocation", "unit", NO_REVOCATION, str(YES), "—", passed=True, blocks=False)


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _wbbm_check(predikats: list[PredikatUnit], cycle: Cycle) -> Check:
    latest = proposal_closes_on(cycle)
    held = [p for p in predikats if p.predikat == Predikat.WBK and p.revoked_at is None]
    ok = [p for p in held if _add_years(p.decree_date, 1) <= latest]
    shown = (ok or held or [None])[0]
    value = WBK_HELD_SINCE % {"tahun": shown.tahun, "date": shown.decree_date} if shown is not None else str(NO_WBK)
    return Check("wbk_held", "unit", WBK_PREREQUISITE, value, "≥ 12", passed=bool(ok), blocks=not ok)


@dataclass
class EligibilityFacts:
    """Everything the checks read for one unit in one year (fetched once, reused per predikat)."""

    cycle: Cycle
    unit: UnitKerja
    pemda: bool
    afirmasi: bool
    instansi_facts: InstansiEligibility | None
    unit_facts: UnitEligibility | None
    predikats: list[PredikatUnit]


def eligibility_facts(*, cycle: Cycle, unit: UnitKerja) -> EligibilityFacts:
    """Read the facts of ``unit`` for ``cycle`` (inside the instansi scope)."""
    penetapan = Penetapan.objects.filter(instansi_id=cycle.instansi_id, cycle=cycle, unit=unit).first()
    return EligibilityFacts(
        cycle=cycle,
        unit=unit,
        pemda=is_pemda(cycle.instansi.kind),
        afirmasi=bool(penetapan and penetapan.afirmasi_type),
        instansi_facts=InstansiEligibility.objects.filter(instansi_id=cycle.instansi_id, cycle=cycle).first(),
        unit_facts=UnitEligibility.objects.filter(instansi_id=cycle.instansi_id, cycle=cycle, unit=unit).first(),
        predikats=list(PredikatUnit.objects.filter(instansi_id=cycle.instansi_id, unit=unit)),
    )


def eligibility_checks(*, facts: EligibilityFacts, predikat: str) -> list[Check]:
    """Every check for proposing the unit for ``predikat``, in table order."""
    checks = [
        evaluate_rule(
            rule,
            predikat=predikat,
            pemda=facts.pemda,
            source=facts.instansi_facts if rule.level == "instansi" else facts.unit_facts,
            cycle=facts.cycle,
            afirmasi=facts.afirmasi,
        )
        for rule in RULES
    ]
    checks.append(_revocation_check(facts.predikats, facts.cycle))
    if predikat == Predikat.WBBM:
        checks.append(_wbbm_check(facts.predikats, facts.cycle))
    return checks


def blocking(checks: list[Check]) -> list[Check]:
    return [check for check in checks if check.blocks]
