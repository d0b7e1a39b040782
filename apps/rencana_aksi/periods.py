"""Monitoring periods: pure date arithmetic, no database.

A period is a calendar month (``2026-03``) or quarter (``2026-Q1``) of the plan's year. Its
``mask`` is the 12-bit month mask of ``Kegiatan.schedule``: a kegiatan is due in a period when
``schedule & mask`` is not zero.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from apps.rencana_aksi.models import Frekuensi

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Periode:
    code: str
    start: datetime.date
    end: datetime.date
    months: tuple[int, ...]

    @property
    def mask(self) -> int:
        mask = 0
        for month in self.months:
            mask |= 1 << (month - 1)
        return mask

    @property
    def tahun(self) -> int:
        return self.start.year

    def __str__(self) -> str:
        return self.code


def _month(tahun: int, month: int) -> Periode:
    last = calendar.monthrange(tahun, month)[1]
    return Periode(f"{tahun}-{month:02d}", datetime.date(tahun, month, 1), datetime.date(tahun, month, last), (month,))


def _quarter(tahun: int, quarter: int) -> Periode:
    first = 3 * (quarter - 1) + 1
    last_month = first + 2
    end = datetime.date(tahun, last_month, calendar.monthrange(tahun, last_month)[1])
    return Periode(f"{tahun}-Q{quarter}", datetime.date(tahun, first, 1), end, (first, first + 1, first + 2))


def periods_for(tahun: int, frekuensi: str) -> list[Periode]:
    if frekuensi == Frekuensi.QUARTERLY:
        return [_quarter(tahun, q) for q in range(1, 5)]
    return [_month(tahun, m) for m in range(1, 13)]


def period_parse(code: str) -> Periode | None:
    """``2026-03`` or ``2026-Q1`` → the period; anything else → None."""
    if match := _MONTH.match(code or ""):
        tahun, month = int(match[1]), int(match[2])
        return _month(tahun, month) if 1 <= month <= 12 else None
    if match := _QUARTER.match(code or ""):
        return _quarter(int(match[1]), int(match[2]))
    return None


def period_containing(day: datetime.date, frekuensi: str) -> Periode:
    if frekuensi == Frekuensi.QUARTERLY:
        return _quarter(day.year, (day.month - 1) // 3 + 1)
    return _month(day.year, day.month)


def periods_closed(tahun: int, frekuensi: str, today: datetime.date) -> list[Periode]:
    """The periods of the year that ended before ``today``."""
    return [p for p in periods_for(tahun, frekuensi) if p.end < today]
