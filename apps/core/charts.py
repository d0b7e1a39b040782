"""Charts drawn on the server as SVG (issue 21): no chart library, no CDN, no script; legible in print
and in WeasyPrint PDFs; every chart carries its numbers as a table (screen readers, and anyone who
would rather read them). Colours come from classes in ``static/css/zi.css`` (strict CSP: no inline
styles), with a pattern-free palette that stays distinct in greyscale by lightness.

One shape covers the dashboards: horizontal bars, one group per category, one bar per series.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

_ids = itertools.count(1)

WIDTH = 640
LABEL_HEIGHT = 16
BAR_HEIGHT = 12
GAP = 10
LEFT = 4
VALUE_ROOM = 64  # room right of the longest bar for its value


@dataclass
class Series:
    label: str
    values: list[Decimal | int | float | None]


# The colours of ``.zi-series-N`` in static/css/zi.css, for the PDFs (WeasyPrint draws the SVG with
# presentation attributes; no CSP applies there). Distinct in greyscale by lightness.
PRINT_COLOURS = ("#1f5f8b", "#c0661a", "#7aa95c", "#6b4c9a")


@dataclass
class Bar:
    series: int
    y: int
    width: float
    value: Decimal | int | float | None
    value_x: float

    @property
    def colour(self) -> str:
        return PRINT_COLOURS[self.series % len(PRINT_COLOURS)]


@dataclass
class Group:
    label: str
    label_y: int
    bars: list[Bar] = field(default_factory=list)


@dataclass
class BarChart:
    """``categories`` down the side, one bar per ``series`` in each; ``maximum`` is the scale's end
    (a weight, 100 %, or the largest count)."""

    title: str
    categories: list[str]
    series: list[Series]
    maximum: Decimal | int | float | None = None
    unit: str = ""
    dom_id: str = field(default_factory=lambda: f"chart-{next(_ids)}")

    @property
    def scale(self) -> float:
        if self.maximum:
            return float(self.maximum)
        values = [float(v) for s in self.series for v in s.values if v is not None]
        return max(values, default=0.0) or 1.0

    @property
    def groups(self) -> list[Group]:
        plot = WIDTH - LEFT - VALUE_ROOM
        groups: list[Group] = []
        y = 0
        for index, label in enumerate(self.categories):
            group = Group(label=label, label_y=y + LABEL_HEIGHT - 4)
            y += LABEL_HEIGHT
            for number, series in enumerate(self.series):
                value = series.values[index] if index < len(series.values) else None
                width = 0.0 if value is None else max(0.0, min(1.0, float(value) / self.scale)) * plot
                group.bars.append(Bar(number, y, round(width, 1), value, round(LEFT + width + 4, 1)))
                y += BAR_HEIGHT + 2
            y += GAP
            groups.append(group)
        return groups

    @property
    def height(self) -> int:
        return len(self.categories) * (LABEL_HEIGHT + len(self.series) * (BAR_HEIGHT + 2) + GAP)

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def legend(self) -> list[tuple[str, str]]:
        """``(label, print colour)`` of each series."""
        return [(s.label, PRINT_COLOURS[i % len(PRINT_COLOURS)]) for i, s in enumerate(self.series)]

    @property
    def rows(self) -> list[tuple[str, list[Decimal | int | float | None]]]:
        """The same numbers as a table: one row per category, one column per series."""
        return [
            (label, [s.values[i] if i < len(s.values) else None for s in self.series])
            for i, label in enumerate(self.categories)
        ]
