"""Charts drawn on the server as SVG (issue 21): no chart library, no CDN, no script; legible in print
and in WeasyPrint PDFs; every chart carries its numbers as a table (screen readers, and anyone who
would rather read them). Colours come from classes in ``static/css/zi.css`` (strict CSP: no inline
styles), with a pattern-free palette that stays distinct in greyscale by lightness.

One shape covers the dashboards: horizontal bars, one group per category, one bar per series.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.defaultfilters import floatformat, truncatechars
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

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
    # Printed values per language (see ``_printer``); not part of what the chart is.
    _texts: dict[str | None, dict[tuple[type, Decimal | int | float], str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

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

    # The repeated parts of ``partials/chart_bar.html`` (issue 22): a dashboard's LKE chart has 14
    # areas × 3 tiers, and its bars and table cells as template loops — eight variables and filters
    # per bar, each resolved by the template engine — took longer to draw than the page's queries.
    # Same markup, values and localisation (``floatformat`` of the active language) as the loops had.

    @property
    def svg_body(self) -> SafeString:
        """Every group's label and bars with their values, as SVG elements."""
        text = self._printer()
        lines = []
        for group in self.groups:
            lines.append(_LABEL.format(group.label_y, conditional_escape(truncatechars(group.label, 90))))
            for bar in group.bars:
                lines.append(_BAR.format(bar.y, bar.width, bar.series, bar.value_x, bar.y + 10, text(bar.value)))
        return mark_safe("\n    ".join(lines))  # every value above is escaped, or a number

    @property
    def table_body(self) -> SafeString:
        """The rows of the numbers' table (``<tr>`` per category)."""
        text = self._printer()
        return mark_safe(  # every value is escaped, or a number
            "".join(
                f'<tr><th scope="row">{conditional_escape(label)}</th>'
                + "".join(f'<td class="zi-number">{text(v)}</td>' for v in values)
                + "</tr>"
                for label, values in self.rows
            )
        )

    def _printer(self) -> Callable[[Decimal | int | float | None], str]:
        """A value as the chart prints it — ``floatformat:"-2"`` in the active language, with the
        unit — each distinct value formatted once per language (the bars and the table show each
        value twice, and ``floatformat`` was most of the drawing's time)."""
        unit = conditional_escape(self.unit)
        texts = self._texts.setdefault(get_language(), {})

        def text(value: Decimal | int | float | None) -> str:
            if value is None:
                return "—"
            key = (type(value), value)
            if key not in texts:
                texts[key] = f"{floatformat(value, '-2')}{unit}"
            return texts[key]

        return text


_LABEL = '<text x="4" y="{}" class="zi-chart-label">{}</text>'
_BAR = (
    '<rect x="4" y="{}" width="{}" height="12" class="zi-series-{}"/>\n'
    '    <text x="{}" y="{}" class="zi-chart-value">{}</text>'
)
