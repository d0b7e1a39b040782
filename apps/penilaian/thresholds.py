"""The regulation's gate on a tier's score (REFERENCE §3.1; issue 17): does the final TPI tier (or
the TPN tier) meet every threshold of a predikat, and by how much does each rule miss?

Used by the TPI recommendation ("layak diusulkan" needs the thresholds met or a written reason),
the proposal (only a unit meeting them, or afirmasi with the failing rules and a reason) and the
penetapan (a designation over a TPN score below them needs an explicit override)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from apps.lke.scoring import Check, Estimate
from apps.penilaian.models import Penilaian, Tier
from apps.penilaian.selectors import TierKey, penilaian_scores, tpi_levels


@dataclass(frozen=True)
class ThresholdReport:
    """Every rule of one predikat against one tier's score, with the gap of each."""

    predikat: str
    tier: str  # "tpi2", "tpn", … ("" when the tier has no answers yet)
    total: Decimal
    checks: tuple[Check, ...]

    @property
    def met(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    def failures_text(self) -> str:
        return "; ".join(f"{c.label} {_n(c.value)} < {_n(c.minimum)} (−{_n(c.gap)})" for c in self.failures)

    def as_dict(self) -> dict[str, Any]:
        return {
            "predikat": self.predikat,
            "tier": self.tier,
            "total": _n(self.total),
            "met": self.met,
            "checks": [
                {
                    "code": c.code,
                    "label": c.label,
                    "value": _n(c.value),
                    "minimum": _n(c.minimum),
                    "gap": _n(c.gap),
                    "passed": c.passed,
                }
                for c in self.checks
            ],
        }


def _n(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def _tier_label(key: TierKey) -> str:
    tier, level = key
    return f"{tier}{level}" if level else str(tier)


def _report(predikat: str, key: TierKey | None, scores: dict[TierKey, Any]) -> ThresholdReport:
    if key is None or key not in scores:
        return ThresholdReport(predikat=predikat, tier="", total=Decimal(0), checks=())
    tier_score = scores[key]
    estimate: Estimate | None = next((e for e in tier_score.estimates if e.predikat == predikat), None)
    return ThresholdReport(
        predikat=predikat,
        tier=_tier_label(key),
        total=tier_score.result.total,
        checks=tuple(estimate.checks if estimate else ()),
    )


def final_tpi_report(*, penilaian: Penilaian, predikat: str) -> ThresholdReport:
    """The thresholds of ``predikat`` against the last TPI tier that has answers (the final tier
    once the review is closed)."""
    scores = penilaian_scores(penilaian=penilaian)
    last = tpi_levels(instansi_id=penilaian.instansi_id)
    tpi_keys = sorted((k for k in scores if k[0] == Tier.TPI and k[1] <= last), key=lambda k: k[1])
    return _report(predikat, tpi_keys[-1] if tpi_keys else None, scores)


def tpn_report(*, penilaian: Penilaian, predikat: str) -> ThresholdReport:
    """The thresholds of ``predikat`` against the TPN tier (the desk evaluation's answers)."""
    scores = penilaian_scores(penilaian=penilaian)
    return _report(predikat, (Tier.TPN, 0), scores)
