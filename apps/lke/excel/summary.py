"""A parsed workbook's scores as plain JSON-able data (what ``lke_score`` prints).

Numbers are exact decimal strings (issue 16): the engine computes in ``Decimal`` and nothing is
rounded — a 2/3 average prints as ``0.6666666666666666666666666667``, a whole number as ``60``.
The figures the official form shows (two decimals, rounded half-up as Excel does) sit under a
separate ``display`` key. Beside every score: how many soal are answered of how many, and for an
incomplete workbook the range the total may still reach (every blank 0 … every blank full) instead
of a single predikat.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from apps.lke.excel.parsed import Message, ParsedWorkbook, Problem, Tier
from apps.lke.scoring import (
    NodeScore,
    ScoreResult,
    TemplateSpec,
    completeness,
    estimate,
    predikat_range,
    score,
)

DISPLAY_PLACES = Decimal("0.01")


def exact_text(value: Decimal) -> str:
    """A Decimal exactly, without exponent or trailing zeros: ``60``, ``0.5``, ``2.6666666666…``."""
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)), "f")
    return format(value.normalize(), "f")


def display_text(value: Decimal) -> str:
    """As the official form shows it: two decimals, half-up."""
    return format(value.quantize(DISPLAY_PLACES, rounding=ROUND_HALF_UP), "f")


# Kept for callers that printed the earlier 4-decimal figures; now the exact value.
decimal_text = exact_text


def _messages(items: list[Message]) -> list[dict[str, Any]]:
    return [{"row": row, "message": message} for row, message in items]


def _problems(items: list[Problem]) -> list[dict[str, Any]]:
    return [
        {
            "sheet": p.sheet,
            "row": p.row,
            "column": p.column,
            "found": p.found,
            "expected": p.expected,
            "soal_id": p.soal_id,
            "message": p.text(),
        }
        for p in items
    ]


def _area(node: NodeScore, text: Any) -> dict[str, Any]:
    return {"value": text(node.points), "answered": node.answered, "total": node.soal_total}


def scores_document(spec: TemplateSpec, result: ScoreResult) -> dict[str, Any]:
    """The headline figures of one result, exact and as displayed, with answered/total."""
    roots = {n.komponen: result.nodes[n.node_id] for n in spec.roots}
    halves = {
        n.half: result.nodes[n.node_id]
        for n in spec.nodes()
        if n.level == "sub_komponen" and n.komponen == "pengungkit"
    }
    values = {
        "pemenuhan": result.pemenuhan,
        "reform": result.reform,
        "pengungkit": result.pengungkit,
        "hasil": result.hasil,
        "total": result.total,
    }
    done = completeness(result)
    counts = {
        "pemenuhan": halves.get("pemenuhan"),
        "reform": halves.get("reform"),
        "pengungkit": roots.get("pengungkit"),
        "hasil": roots.get("hasil"),
    }
    document: dict[str, Any] = {key: exact_text(value) for key, value in values.items()}
    document["areas"] = {
        half: {str(area): exact_text(node.points) for area, node in sorted(by_area.items())}
        for half, by_area in result.areas.items()
    }
    document["display"] = {key: display_text(value) for key, value in values.items()}
    document["display"]["areas"] = {
        half: {str(area): display_text(node.points) for area, node in sorted(by_area.items())}
        for half, by_area in result.areas.items()
    }
    document["completeness"] = {
        **{key: {"answered": n.answered, "total": n.soal_total} for key, n in counts.items() if n is not None},
        "total": {"answered": done.answered, "total": done.total},
        "areas": {
            half: {str(area): {"answered": n.answered, "total": n.soal_total} for area, n in sorted(by_area.items())}
            for half, by_area in result.areas.items()
        },
    }
    return document


def score_summary(parsed: ParsedWorkbook, spec: TemplateSpec, *, tier: Tier = "unit") -> dict[str, Any]:
    """Scores (exact and displayed), per-area values of both halves, completeness, the predikat
    estimate (a range while incomplete) with every check, and the import's warnings and the rows it
    did not understand (``problems``; those rows are left out, the rest is scored)."""
    summary: dict[str, Any] = {
        "layout": parsed.layout,
        "sheet": parsed.sheet,
        "tier": tier,
        "warnings": _messages(parsed.warnings),
        "problems": _problems(parsed.problems),
    }
    answers = parsed.answers(tier)
    result = score(spec, answers)
    summary.update(scores_document(spec, result))
    bounds = predikat_range(spec, answers)
    estimates = estimate(spec, result)
    summary["predikat"] = bounds.predikat
    summary["estimate"] = {
        "complete": bounds.complete,
        "answered": bounds.answered,
        "total": bounds.total,
        "predikat": bounds.predikat,
        "if_blank_zero": {"total": exact_text(bounds.total_low), "predikat": bounds.low},
        "if_blank_full": {"total": exact_text(bounds.total_high), "predikat": bounds.high},
    }
    summary["estimates"] = [
        {
            "predikat": item.predikat,
            "passed": item.passed,
            "checks": [
                {
                    "code": check.code,
                    "label": check.label,
                    "value": exact_text(check.value),
                    "minimum": exact_text(check.minimum),
                    "gap": exact_text(check.gap),
                    "passed": check.passed,
                }
                for check in item.checks
            ],
        }
        for item in estimates
    ]
    return summary
