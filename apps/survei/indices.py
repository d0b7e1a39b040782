"""Index arithmetic of the SPKP/SPAK surveys: pure, side-effect free (like ``apps.lke.scoring``).

For one instrument with k statements and n complete responses (x_ij on the 1–6 scale):

* statement mean      m_i = (1/n) · Σ_j x_ij
* respondent score    s_j = (1/k) · Σ_i x_ij
* index (1–6)         I = (1/n) · Σ_j s_j   (= the mean of the m_i, every response being complete)
* 95 % confidence     I ± t(0.975, n−1) · sd(s) / √n, sd with n−1 (Student's t; none for n < 2)
* LKE value (0–4)     the index converted by the survey's ``Konversi`` (default LINEAR):
  LINEAR       v = (I − 1) × 4/5   — 1 → 0, 5 → 3.20, 5.5 → 3.60, 6 → 4
  PROPORTIONAL v = I × 4/6         — 1 → 0.67, 4.8 → 3.20, 6 → 4
  The bounds of the interval convert the same way (both maps are increasing and linear).

The suggested LKE input is the converted index rounded half-up to 2 decimals (the LKE's step).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.survei.instrument import PERNYATAAN, SCALE_MAX, SCALE_MIN, Pernyataan

LKE_MAX = 4


class Konversi(models.TextChoices):
    LINEAR = "linear", _("Linear: (index − 1) × 4/5 (1 → 0, 6 → 4)")
    PROPORTIONAL = "proporsional", _("Proportional: index × 4/6 (1 → 0.67, 6 → 4)")


# The default for new surveys; README "Survei mandiri" explains the choice.
DEFAULT_KONVERSI = Konversi.LINEAR

# Student's t, two-sided 95 % (0.975 quantile), by degrees of freedom. Between listed values the
# next smaller df is used, which gives a slightly wider (conservative) interval.
_T_975 = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
    11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093,
    20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048,
    29: 2.045, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980,
}  # fmt: skip
_Z_975 = 1.960


def t_975(df: int) -> float:
    if df < 1:
        raise ValueError("a confidence interval needs at least two responses")
    listed = [d for d in _T_975 if d <= df]
    return _Z_975 if df > 120 else _T_975[max(listed)]


def convert(value: float, konversi: str) -> float:
    """A value on the 1–6 scale → the LKE's 0–4 scale."""
    if konversi == Konversi.LINEAR:
        return (value - SCALE_MIN) * LKE_MAX / (SCALE_MAX - SCALE_MIN)
    if konversi == Konversi.PROPORTIONAL:
        return value * LKE_MAX / SCALE_MAX
    raise ValueError(f"unknown conversion {konversi!r}")


def lke_value(value: float, konversi: str) -> Decimal:
    """The LKE input for an index: converted, rounded half-up to 2 decimals."""
    return Decimal(repr(convert(value, konversi))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Estimate:
    """A mean on the 1–6 scale with its 95 % interval (None below two values) and n."""

    n: int
    mean: float | None
    low: float | None
    high: float | None

    def on_lke(self, konversi: str) -> Estimate:
        def c(v: float | None) -> float | None:
            return None if v is None else convert(v, konversi)

        return Estimate(self.n, c(self.mean), c(self.low), c(self.high))

    @property
    def pct(self) -> float:
        """The mean as a share of the 1–6 range (0–100), for the CSS bars."""
        if self.mean is None:
            return 0.0
        return round((self.mean - SCALE_MIN) / (SCALE_MAX - SCALE_MIN) * 100, 1)

    @property
    def bar(self) -> int:
        """The CSS bar width class (``sv-w-<bar>``): the mean's share of the 1–6 range, 0–100."""
        return round(self.pct)


def estimate(values: Sequence[float]) -> Estimate:
    n = len(values)
    if n == 0:
        return Estimate(0, None, None, None)
    mean = math.fsum(values) / n
    if n < 2:
        return Estimate(n, mean, None, None)
    variance = math.fsum((v - mean) ** 2 for v in values) / (n - 1)
    half = t_975(n - 1) * math.sqrt(variance) / math.sqrt(n)
    # The mean of values on 1–6 cannot leave 1–6; neither should its interval.
    return Estimate(n, mean, max(SCALE_MIN, mean - half), min(SCALE_MAX, mean + half))


@dataclass(frozen=True)
class StatementResult:
    pernyataan: Pernyataan
    estimate: Estimate


@dataclass(frozen=True)
class IndexResult:
    """One instrument's result: per statement and overall, on 1–6 and converted to 0–4."""

    instrumen: str
    konversi: str
    statements: list[StatementResult]
    overall: Estimate

    @property
    def n(self) -> int:
        return self.overall.n

    @property
    def lke(self) -> Estimate:
        return self.overall.on_lke(self.konversi)

    @property
    def lke_bar(self) -> int:
        """The CSS bar width class for the converted value: its share of the LKE's 0–4, 0–100."""
        value = self.lke.mean
        return 0 if value is None else round(value / LKE_MAX * 100)

    @property
    def suggested(self) -> Decimal | None:
        return None if self.overall.mean is None else lke_value(self.overall.mean, self.konversi)


def index_compute(*, instrumen: str, rows: Sequence[Sequence[int]], konversi: str) -> IndexResult:
    """``rows``: one tuple per response with the instrument's statements in order (spkp1…spkp8 or
    spak1…spak5). Every value must be on the scale: stored responses are checked by constraints."""
    pernyataan = PERNYATAAN[instrumen]
    k = len(pernyataan)
    for row in rows:
        if len(row) != k or any(not SCALE_MIN <= v <= SCALE_MAX for v in row):
            raise ValueError(f"a {instrumen} response needs {k} values on {SCALE_MIN}–{SCALE_MAX}: {row!r}")
    statements = [StatementResult(p, estimate([row[i] for row in rows])) for i, p in enumerate(pernyataan)]
    scores = [math.fsum(row) / k for row in rows]
    return IndexResult(instrumen=instrumen, konversi=konversi, statements=statements, overall=estimate(scores))
