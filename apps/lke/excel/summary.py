"""A parsed workbook's scores as plain JSON-able data (what ``lke_score`` prints).

Numbers are strings rounded half-up to 4 decimals (the engine itself is exact; four decimals
keep 2/3-type averages readable and still compare exactly with the workbook at 2 decimals).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from apps.lke.excel.parse import Message, ParsedWorkbook, Tier
from apps.lke.scoring import TemplateSpec, estimate, predikat_estimate, score

PLACES = Decimal("0.0001")


def decimal_text(value: Decimal) -> str:
    return format(value.quantize(PLACES, rounding=ROUND_HALF_UP), "f")


def _messages(items: list[Message]) -> list[dict[str, Any]]:
    return [{"row": row, "message": message} for row, message in items]


def score_summary(parsed: ParsedWorkbook, spec: TemplateSpec, *, tier: Tier = "unit") -> dict[str, Any]:
    """Scores, per-area values of both halves, the predikat estimate with every check, and the
    import's warnings and errors. With errors nothing is scored: every score is ``None``."""
    summary: dict[str, Any] = {
        "layout": parsed.layout,
        "sheet": parsed.sheet,
        "tier": tier,
        "pemenuhan": None,
        "reform": None,
        "pengungkit": None,
        "hasil": None,
        "total": None,
        "areas": None,
        "predikat": None,
        "estimates": [],
        "warnings": _messages(parsed.warnings),
        "errors": _messages(parsed.errors),
    }
    if not parsed.ok:
        return summary
    result = score(spec, parsed.answers(tier))
    estimates = estimate(spec, result)
    summary.update(
        pemenuhan=decimal_text(result.pemenuhan),
        reform=decimal_text(result.reform),
        pengungkit=decimal_text(result.pengungkit),
        hasil=decimal_text(result.hasil),
        total=decimal_text(result.total),
        areas={
            half: {str(area): decimal_text(node.points) for area, node in sorted(by_area.items())}
            for half, by_area in result.areas.items()
        },
        predikat=predikat_estimate(estimates),
        estimates=[
            {
                "predikat": item.predikat,
                "passed": item.passed,
                "checks": [
                    {
                        "code": check.code,
                        "label": check.label,
                        "value": decimal_text(check.value),
                        "minimum": decimal_text(check.minimum),
                        "gap": decimal_text(check.gap),
                        "passed": check.passed,
                    }
                    for check in item.checks
                ],
            }
            for item in estimates
        ],
    )
    return summary
