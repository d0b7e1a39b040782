"""The LKE scoring engine: pure functions, no database, no side effects (DESIGN §7).

It reproduces the official workbook (PermenPANRB 90/2021 Lampiran III, REFERENCE §2.2–2.5):

* an option answer is worth its multiplier (Ya 1 / Tidak 0; A–C 1/0.5/0; A–D 1/0.67/0.33/0;
  A–E 1/0.75/0.5/0.25/0); a ``Jumlah`` input is worth nothing itself; a survey value v on 0–4 is
  worth v/4 of its weight;
* a derived percentage item is a formula over inputs, capped at 1;
* a sub-area scores ``AVERAGE(values of its answered items) × weight`` — like Excel's AVERAGE,
  blank items are ignored, not counted as zero;
* a node with children scores the sum of its children; hasil sub-components score each item ×
  its own weight; Pemenuhan, Reform, Pengungkit, Hasil and the total are sums.

Everything is ``Decimal`` so results are exact; pages round only for display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

ZERO = Decimal(0)
ONE = Decimal(1)
FOUR = Decimal(4)

OPTION_TYPES = {"YA_TIDAK", "ABC", "ABCD", "ABCDE"}


class AnswerError(ValueError):
    """An answer that the soal cannot take (unknown option, not a number, out of range)."""

    def __init__(self, soal_id: int, message: str, code: str) -> None:
        super().__init__(message)
        self.soal_id = soal_id
        self.code = code


# -----------------------------------------------------------------------------
# The instrument as plain data
# -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SoalSpec:
    soal_id: int
    answer_type: str
    weight: Decimal = ZERO
    options: Mapping[str, Decimal] = field(default_factory=dict)
    order: int = 0


@dataclass(frozen=True)
class DerivedSpec:
    code: str
    formula: Mapping[str, Any]
    order: int = 0


@dataclass(frozen=True)
class NodeSpec:
    node_id: int
    level: str
    name: str
    weight: Decimal
    komponen: str
    half: str
    area: int | None
    scoring: str
    children: tuple[NodeSpec, ...] = ()
    soal: tuple[SoalSpec, ...] = ()
    derived: tuple[DerivedSpec, ...] = ()

    def walk(self) -> list[NodeSpec]:
        nodes = [self]
        for child in self.children:
            nodes.extend(child.walk())
        return nodes


@dataclass(frozen=True)
class ThresholdSpec:
    predikat: str
    code: str
    label: str
    target: str
    target_ref: int | None
    min_points: Decimal | None
    min_ratio: Decimal | None


@dataclass(frozen=True)
class TemplateSpec:
    roots: tuple[NodeSpec, ...]
    thresholds: tuple[ThresholdSpec, ...] = ()

    def nodes(self) -> list[NodeSpec]:
        return [node for root in self.roots for node in root.walk()]

    def soal_by_id(self) -> dict[int, SoalSpec]:
        return {s.soal_id: s for node in self.nodes() for s in node.soal}

    def derived(self) -> list[DerivedSpec]:
        return [d for node in self.nodes() for d in node.derived]


# -----------------------------------------------------------------------------
# Items
# -----------------------------------------------------------------------------


def parse_number(soal_id: int, raw: str) -> Decimal:
    text = str(raw).strip().replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise AnswerError(soal_id, f"{raw!r} is not a number", "not_a_number") from exc
    if not value.is_finite():
        raise AnswerError(soal_id, f"{raw!r} is not a number", "not_a_number")
    return value


def normalise_answer(soal: SoalSpec, raw: object) -> str | None:
    """The canonical text of an answer (option key as in the master, or a plain number), or None
    when blank. Raises AnswerError for what the soal cannot take."""
    if raw is None:
        return None
    text = str(raw).strip()
    if text == "":
        return None
    if soal.answer_type in OPTION_TYPES:
        for key in soal.options:
            if key.casefold() == text.casefold():
                return key
        raise AnswerError(soal.soal_id, f"{text!r} is not one of {', '.join(soal.options)}", "unknown_option")
    value = parse_number(soal.soal_id, text)
    if soal.answer_type == "JUMLAH":
        if value < 0 or value != value.to_integral_value():
            raise AnswerError(soal.soal_id, f"{text!r} must be a whole number ≥ 0", "not_whole_number")
        return str(int(value))
    if soal.answer_type == "NILAI_0_4":
        if value < 0 or value > FOUR:
            raise AnswerError(soal.soal_id, f"{text!r} must be between 0 and 4", "out_of_range")
        return format(value.normalize(), "f")
    raise AnswerError(soal.soal_id, f"unknown answer type {soal.answer_type}", "unknown_type")


def item_value(soal: SoalSpec, answer: str | None) -> Decimal | None:
    """The item's value on 0..1 (None when blank or an input). Expects a normalised answer."""
    if answer is None or soal.answer_type == "JUMLAH":
        return None
    if soal.answer_type in OPTION_TYPES:
        return soal.options[answer]
    return parse_number(soal.soal_id, answer) / FOUR


def _count(answers: Mapping[int, str | None], soal_id: int) -> Decimal | None:
    raw = answers.get(soal_id)
    return None if raw is None else Decimal(raw)


def derived_value(formula: Mapping[str, Any], answers: Mapping[int, str | None]) -> Decimal | None:
    """The derived percentage on 0..1, or None while an input is blank (REFERENCE §2.4, DESIGN §7)."""
    kind = formula["type"]
    if kind == "ratio":
        parts = [_count(answers, i) for i in [*formula["numerator"], *formula["denominator"]]]
        if any(p is None for p in parts):
            return None
        numerator = sum((_count(answers, i) or ZERO for i in formula["numerator"]), ZERO)
        denominator = sum((_count(answers, i) or ZERO for i in formula["denominator"]), ZERO)
        if denominator == 0:
            return ONE if formula.get("empty_denominator") == "one" else ZERO
        return min(ONE, numerator / denominator)
    if kind == "decrease":
        previous = _count(answers, formula["previous"])
        current = _count(answers, formula["current"])
        if previous is None or current is None:
            return None
        if previous == 0:
            return ONE if current == 0 else ZERO
        return max(ZERO, min(ONE, (previous - current) / previous))
    raise ValueError(f"unknown formula type {kind}")


def contradictions(template: TemplateSpec, answers: Mapping[int, str | None]) -> list[tuple[int, str]]:
    """Inputs that contradict each other (more filed than obliged, more completed than to follow
    up…): ``[(soal_id, derived_code)]`` for each numerator that exceeds its denominator."""
    problems: list[tuple[int, str]] = []
    for item in template.derived():
        formula = item.formula
        if formula["type"] != "ratio" or not formula.get("must_not_exceed"):
            continue
        parts = [_count(answers, i) for i in [*formula["numerator"], *formula["denominator"]]]
        if any(p is None for p in parts):
            continue
        numerator = sum((_count(answers, i) or ZERO for i in formula["numerator"]), ZERO)
        denominator = sum((_count(answers, i) or ZERO for i in formula["denominator"]), ZERO)
        if numerator > denominator:
            problems.append((formula["numerator"][0], item.code))
    return problems


# -----------------------------------------------------------------------------
# Nodes and totals
# -----------------------------------------------------------------------------


@dataclass
class NodeScore:
    node_id: int
    name: str
    level: str
    weight: Decimal
    points: Decimal
    answered: int
    scored_items: int
    soal_total: int = 0  # every soal under the node, inputs included: ``answered`` of ``soal_total``

    @property
    def ratio(self) -> Decimal:
        return self.points / self.weight if self.weight else ZERO

    @property
    def complete(self) -> bool:
        return self.answered >= self.soal_total


@dataclass
class ScoreResult:
    nodes: dict[int, NodeScore]
    item_values: dict[str, Decimal | None]  # "soal:<id>" / "derived:<code>" → value 0..1
    pemenuhan: Decimal
    reform: Decimal
    pengungkit: Decimal
    hasil: Decimal
    total: Decimal
    areas: dict[str, dict[int, NodeScore]]  # half → area number → score


def _score_node(
    node: NodeSpec,
    answers: Mapping[int, str | None],
    result: dict[int, NodeScore],
    items: dict[str, Decimal | None],
    blank: Decimal | None = None,
) -> NodeScore:
    values: list[Decimal] = []
    per_item = ZERO
    answered = 0
    scored_items = 0
    for soal in node.soal:
        value = item_value(soal, answers.get(soal.soal_id))
        if soal.answer_type != "JUMLAH":
            scored_items += 1
            if value is None:
                value = blank
            items[f"soal:{soal.soal_id}"] = value
        if answers.get(soal.soal_id) is not None:
            answered += 1
        if value is not None:
            values.append(value)
            per_item += value * soal.weight
    for derived in node.derived:
        value = derived_value(derived.formula, answers)
        scored_items += 1
        if value is None:
            value = blank
        items[f"derived:{derived.code}"] = value
        if value is not None:
            values.append(value)
    child_scores = [_score_node(child, answers, result, items, blank) for child in node.children]
    answered += sum(c.answered for c in child_scores)
    scored_items += sum(c.scored_items for c in child_scores)
    soal_total = len(node.soal) + sum(c.soal_total for c in child_scores)
    if node.scoring == "sum":
        points = sum((c.points for c in child_scores), ZERO)
    elif node.scoring == "per_item":
        points = per_item
    else:
        points = (sum(values, ZERO) / len(values)) * node.weight if values else ZERO
    score = NodeScore(node.node_id, node.name, node.level, node.weight, points, answered, scored_items, soal_total)
    result[node.node_id] = score
    return score


def score(template: TemplateSpec, answers: Mapping[int, str | None], *, blank: Decimal | None = None) -> ScoreResult:
    """Score one set of answers (``{soal_id: normalised answer or None}``).

    ``blank`` None scores as the official workbook does (a blank item is left out of its sub-area's
    average); ``blank`` 0 or 1 scores every blank item (and every percentage with a blank input) as
    that value — the two ends of what an incomplete worksheet may still become (``score_range``).
    """
    nodes: dict[int, NodeScore] = {}
    items: dict[str, Decimal | None] = {}
    for root in template.roots:
        _score_node(root, answers, nodes, items, blank)
    pemenuhan = reform = hasil = ZERO
    areas: dict[str, dict[int, NodeScore]] = {"pemenuhan": {}, "reform": {}}
    for node in template.nodes():
        if node.level == "sub_komponen" and node.half == "pemenuhan":
            pemenuhan += nodes[node.node_id].points
        elif node.level == "sub_komponen" and node.half == "reform":
            reform += nodes[node.node_id].points
        elif node.level == "komponen" and node.komponen == "hasil":
            hasil += nodes[node.node_id].points
        if node.level == "area_perubahan" and node.half in areas and node.area:
            areas[node.half][node.area] = nodes[node.node_id]
    pengungkit = pemenuhan + reform
    return ScoreResult(nodes, items, pemenuhan, reform, pengungkit, hasil, pengungkit + hasil, areas)


@dataclass(frozen=True)
class Completeness:
    """How much of the instrument is answered: ``answered`` of ``total`` soal (inputs included)."""

    answered: int
    total: int

    @property
    def complete(self) -> bool:
        return self.answered >= self.total

    @property
    def missing(self) -> int:
        return max(0, self.total - self.answered)


def completeness(result: ScoreResult, node_id: int | None = None) -> Completeness:
    """Answered/total of one node, or of the whole instrument (``node_id`` None)."""
    if node_id is not None:
        node = result.nodes[node_id]
        return Completeness(node.answered, node.soal_total)
    roots = [n for n in result.nodes.values() if n.level == "komponen"]
    return Completeness(sum(n.answered for n in roots), sum(n.soal_total for n in roots))


def half_completeness(template: TemplateSpec, result: ScoreResult, half: str) -> Completeness:
    """Answered/total of "pemenuhan", "reform", "pengungkit", "hasil" or "total"."""
    if half == "total":
        return completeness(result)
    if half in {"pemenuhan", "reform"}:
        nodes = [n for n in template.nodes() if n.level == "sub_komponen" and n.half == half]
    else:
        nodes = [n for n in template.roots if n.komponen == half]
    scores = [result.nodes[n.node_id] for n in nodes]
    return Completeness(sum(n.answered for n in scores), sum(n.soal_total for n in scores))


@dataclass
class ScoreRange:
    """What an incomplete set of answers may still become: every blank item 0 (``low``) or full
    (``high``). For a complete set both equal the score."""

    low: ScoreResult
    high: ScoreResult


def score_range(template: TemplateSpec, answers: Mapping[int, str | None]) -> ScoreRange:
    return ScoreRange(score(template, answers, blank=ZERO), score(template, answers, blank=ONE))


# -----------------------------------------------------------------------------
# Predikat estimate
# -----------------------------------------------------------------------------


@dataclass
class Check:
    code: str
    label: str
    value: Decimal
    minimum: Decimal
    passed: bool

    @property
    def gap(self) -> Decimal:
        """How many points are missing (0 when met)."""
        return max(ZERO, self.minimum - self.value)


@dataclass
class Estimate:
    predikat: str
    checks: list[Check]

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]


def _checks_for(rule: ThresholdSpec, template: TemplateSpec, result: ScoreResult) -> list[Check]:
    def minimum_for(weight: Decimal) -> Decimal:
        if rule.min_points is not None:
            return rule.min_points
        return (rule.min_ratio or ZERO) * weight

    if rule.target in {"total", "pengungkit", "hasil", "pemenuhan", "reform"}:
        value = getattr(result, rule.target)
        minimum = minimum_for(ZERO)
        return [Check(rule.code, rule.label, value, minimum, value >= minimum)]
    if rule.target == "node":
        node = result.nodes[int(rule.target_ref or 0)]
        minimum = minimum_for(node.weight)
        return [Check(rule.code, rule.label, node.points, minimum, node.points >= minimum)]
    if rule.target == "soal":
        soal = template.soal_by_id()[int(rule.target_ref or 0)]
        value = (result.item_values.get(f"soal:{soal.soal_id}") or ZERO) * soal.weight
        minimum = minimum_for(soal.weight)
        return [Check(rule.code, rule.label, value, minimum, value >= minimum)]
    if rule.target == "area_halves":
        checks = []
        for half in ("pemenuhan", "reform"):
            for area, node in sorted(result.areas[half].items()):
                minimum = minimum_for(node.weight)
                label = f"{rule.label}: {half.capitalize()} {node.name}"
                checks.append(Check(f"{rule.code}.{half}.{area}", label, node.points, minimum, node.points >= minimum))
        return checks
    raise ValueError(f"unknown threshold target {rule.target}")


def estimate(template: TemplateSpec, result: ScoreResult) -> list[Estimate]:
    """One estimate per predikat (WBK, then WBBM), each listing every rule with value and gap."""
    estimates: dict[str, Estimate] = {}
    for rule in template.thresholds:
        estimates.setdefault(rule.predikat, Estimate(rule.predikat, []))
        estimates[rule.predikat].checks.extend(_checks_for(rule, template, result))
    order = {"WBK": 0, "WBBM": 1}
    return sorted(estimates.values(), key=lambda e: order.get(e.predikat, 9))


@dataclass
class PredikatRange:
    """The estimate of a worksheet: complete → one predikat; incomplete → what it would be if every
    unanswered item scored 0 (``low``) and if it scored full (``high``), never one word alone."""

    complete: bool
    answered: int
    total: int
    predikat: str | None  # only when complete
    low: str | None
    high: str | None
    total_low: Decimal
    total_high: Decimal


def predikat_range(template: TemplateSpec, answers: Mapping[int, str | None]) -> PredikatRange:
    result = score(template, answers)
    done = completeness(result)
    bounds = score_range(template, answers)
    low = predikat_estimate(estimate(template, bounds.low))
    high = predikat_estimate(estimate(template, bounds.high))
    predikat = predikat_estimate(estimate(template, result)) if done.complete else None
    return PredikatRange(
        done.complete, done.answered, done.total, predikat, low, high, bounds.low.total, bounds.high.total
    )


def predikat_estimate(estimates: list[Estimate]) -> str | None:
    """The highest predikat whose every rule passes, or None ("not yet")."""
    best = None
    for item in estimates:
        if item.passed:
            best = item.predikat
    return best


# -----------------------------------------------------------------------------
# Weight sums (the template page checks them)
# -----------------------------------------------------------------------------

FULL_MARKS = Decimal(100)


@dataclass(frozen=True)
class WeightCheck:
    """Do the parts add up? ``node_id`` None is the whole instrument (Pemenuhan + Reform + Hasil = 100)."""

    node_id: int | None
    name: str
    expected: Decimal
    parts: tuple[Decimal, ...]

    @property
    def total(self) -> Decimal:
        return sum(self.parts, ZERO)

    @property
    def ok(self) -> bool:
        return self.total == self.expected


def weight_checks(template: TemplateSpec) -> list[WeightCheck]:
    """The instrument's sum first, then every node whose weight is made of parts: children that
    must add up to it, or (hasil) items that carry their own weights. Average nodes have no parts:
    each item weighs weight ÷ number of scored items."""
    halves = [n.weight for n in template.nodes() if n.level == "sub_komponen" and n.komponen == "pengungkit"]
    hasil = [n.weight for n in template.roots if n.komponen == "hasil"]
    checks = [WeightCheck(None, "total", FULL_MARKS, tuple(halves + hasil))]
    for node in template.nodes():
        if node.children:
            checks.append(WeightCheck(node.node_id, node.name, node.weight, tuple(c.weight for c in node.children)))
        elif node.scoring == "per_item":
            parts = tuple(s.weight for s in node.soal if s.answer_type != "JUMLAH")
            checks.append(WeightCheck(node.node_id, node.name, node.weight, parts))
    return checks
