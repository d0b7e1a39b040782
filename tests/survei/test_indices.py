"""The index arithmetic, pinned on examples computed by hand (written out beside each assertion)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.survei.indices import Konversi, convert, estimate, index_compute, lke_value, t_975
from apps.survei.instrument import Instrumen

# Four SPAK responses (5 statements each, scale 1–6):
SPAK_ROWS = [
    (6, 6, 6, 6, 6),  # respondent score s1 = 30/5 = 6.0
    (5, 5, 5, 5, 5),  # s2 = 25/5 = 5.0
    (6, 6, 5, 5, 6),  # s3 = 28/5 = 5.6
    (3, 5, 4, 5, 5),  # s4 = 22/5 = 4.4
]


def test_spak_index_per_statement_and_overall() -> None:
    result = index_compute(instrumen=Instrumen.SPAK, rows=SPAK_ROWS, konversi=Konversi.LINEAR)
    # statement means: (6+5+6+3)/4 = 5.0, (6+5+6+5)/4 = 5.5, (6+5+5+4)/4 = 5.0, (6+5+5+5)/4 = 5.25,
    # (6+5+6+5)/4 = 5.5
    assert [s.estimate.mean for s in result.statements] == [5.0, 5.5, 5.0, 5.25, 5.5]
    assert all(s.estimate.n == 4 for s in result.statements)
    # index = mean of the respondent scores = (6 + 5 + 5.6 + 4.4)/4 = 21/4 = 5.25
    # (= mean of the statement means (5 + 5.5 + 5 + 5.25 + 5.5)/5 = 26.25/5 = 5.25)
    assert result.n == 4
    assert result.overall.mean == pytest.approx(5.25)
    # deviations 0.75, −0.25, 0.35, −0.85; squares 0.5625 + 0.0625 + 0.1225 + 0.7225 = 1.47;
    # variance 1.47/3 = 0.49; sd 0.7; standard error 0.7/√4 = 0.35; t(0.975, df 3) = 3.182;
    # half width 3.182 × 0.35 = 1.1137 → [4.1363, 6.3637], the top clipped to the scale's 6.
    assert result.overall.low == pytest.approx(4.1363)
    assert result.overall.high == 6
    # to the LKE (linear): (5.25 − 1) × 4/5 = 3.40; low (4.1363 − 1) × 0.8 = 2.50904; high 4
    assert result.lke.mean == pytest.approx(3.40)
    assert result.lke.low == pytest.approx(2.50904)
    assert result.lke.high == pytest.approx(4.0)
    assert result.suggested == Decimal("3.40")


def test_statement_interval() -> None:
    # statement 1: 6, 5, 6, 3 → mean 5; deviations 1, 0, 1, −2 → squares sum 6 → variance 6/3 = 2;
    # sd √2 = 1.41421; se 1.41421/2 = 0.70711; half 3.182 × 0.70711 = 2.25002 → [2.74998, 6 (clipped)]
    first = index_compute(instrumen=Instrumen.SPAK, rows=SPAK_ROWS, konversi=Konversi.LINEAR).statements[0]
    assert first.estimate.low == pytest.approx(2.74998, abs=1e-5)
    assert first.estimate.high == 6


def test_proportional_conversion_gives_another_value() -> None:
    result = index_compute(instrumen=Instrumen.SPAK, rows=SPAK_ROWS, konversi=Konversi.PROPORTIONAL)
    # 5.25 × 4/6 = 3.5
    assert result.suggested == Decimal("3.50")


def test_spkp_single_respondent_has_no_interval() -> None:
    result = index_compute(instrumen=Instrumen.SPKP, rows=[(5,) * 8], konversi=Konversi.LINEAR)
    # one respondent answering "Agree" (5) everywhere: index 5 → (5 − 1) × 0.8 = 3.20 (the WBK IPKP minimum)
    assert (result.n, result.overall.mean, result.overall.low, result.overall.high) == (1, 5.0, None, None)
    assert result.suggested == Decimal("3.20")


def test_no_responses() -> None:
    result = index_compute(instrumen=Instrumen.SPKP, rows=[], konversi=Konversi.LINEAR)
    assert result.n == 0
    assert result.suggested is None
    assert result.overall.pct == 0.0


def test_conversion_anchors_and_rounding() -> None:
    # linear: 1 → 0, 6 → 4, 5.5 → 3.6 (the IPAK minimum); proportional: 1 → 0.67, 6 → 4
    assert [convert(v, Konversi.LINEAR) for v in (1, 6, 5.5)] == pytest.approx([0, 4, 3.6])
    assert [convert(v, Konversi.PROPORTIONAL) for v in (1, 6)] == pytest.approx([4 / 6, 4])
    # 4.40625 → 3.40625 × 0.8 = 2.725 → half-up to 2.73 (not the float's 2.72499…)
    assert lke_value(4.40625, Konversi.LINEAR) == Decimal("2.73")
    with pytest.raises(ValueError, match="unknown conversion"):
        convert(3, "kuadrat")


def test_t_quantiles() -> None:
    assert t_975(1) == 12.706
    assert t_975(35) == 2.042  # between 30 and 40: the df-30 value (a slightly wider interval)
    assert t_975(500) == 1.960
    # two equal values: no spread → a zero-width interval
    assert estimate([4, 4]) == estimate([4, 4]).__class__(2, 4.0, 4.0, 4.0)


def test_off_scale_or_short_rows_are_refused() -> None:
    with pytest.raises(ValueError, match="needs 5 values"):
        index_compute(instrumen=Instrumen.SPAK, rows=[(7, 5, 5, 5, 5)], konversi=Konversi.LINEAR)
    with pytest.raises(ValueError, match="needs 8 values"):
        index_compute(instrumen=Instrumen.SPKP, rows=[(5,) * 7], konversi=Konversi.LINEAR)
