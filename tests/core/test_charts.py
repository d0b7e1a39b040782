"""The bar chart's bars and table are drawn in Python (issue 22): the markup must be the template
loops' it replaced, value for value — localised numbers, escaped labels, "—" for a missing value —
in every language, and a chart drawn in one language then another shows each its own numbers."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation

from apps.core.charts import BarChart, Series

# The loops of partials/chart_bar.html before issue 22, verbatim.
LOOPS = """{% load l10n %}<svg>
    {% for group in chart.groups %}
    <text x="4" y="{{ group.label_y|unlocalize }}" class="zi-chart-label">{{ group.label|truncatechars:90 }}</text>
    {% for bar in group.bars %}
    <rect x="4" y="{{ bar.y|unlocalize }}" width="{{ bar.width|unlocalize }}" height="12" class="zi-series-{{ bar.series }}"/>
    <text x="{{ bar.value_x|unlocalize }}" y="{{ bar.y|add:10|unlocalize }}" class="zi-chart-value">{% if bar.value is None %}—{% else %}{{ bar.value|floatformat:"-2" }}{{ chart.unit }}{% endif %}</text>
    {% endfor %}
    {% endfor %}
</svg><tbody>{% for label, values in chart.rows %}<tr><th scope="row">{{ label }}</th>{% for v in values %}<td class="zi-number">{% if v is None %}—{% else %}{{ v|floatformat:"-2" }}{{ chart.unit }}{% endif %}</td>{% endfor %}</tr>{% endfor %}</tbody>"""  # noqa: E501

NOW = "<svg>\n    {{ chart.svg_body }}\n</svg><tbody>{{ chart.table_body }}</tbody>"


def chart(unit: str = " %") -> BarChart:
    return BarChart(
        title="LKE",
        categories=[
            "Pemenuhan 1. MANAJEMEN PERUBAHAN",
            "R&D <Biro> \"Umum\" 'A'",
            "Sangat panjang " * 10,  # truncated at 90 characters
            "Hasil",
        ],
        series=[
            Series("Unit", [Decimal("52.6"), Decimal("0"), Decimal("100.00"), None]),
            Series("TPI 1", [Decimal("73.45"), 12, 3.25, Decimal("1234.5")]),
            Series("TPI 2", [Decimal("52.6"), None]),  # shorter than the categories
        ],
        maximum=100,
        unit=unit,
    )


def _flat(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("unit", [" %", "", " <b>"])
def test_the_drawn_bars_and_table_are_the_template_loops(language: str, unit: str) -> None:
    engine = engines["django"]
    with translation.override(language):
        before = engine.from_string(LOOPS).render({"chart": chart(unit)})
        after = engine.from_string(NOW).render({"chart": chart(unit)})
    assert _flat(after) == _flat(before)
    assert "&lt;Biro&gt;" in after
    assert "<Biro>" not in after
    assert "—" in after


def test_one_chart_drawn_in_two_languages_shows_each_its_own_numbers() -> None:
    drawn = chart()
    with translation.override("id"):
        indonesian = render_to_string("partials/chart_bar.html", {"chart": drawn})
    with translation.override("en"):
        english = render_to_string("partials/chart_bar.html", {"chart": drawn})
    assert "52,60 %" in indonesian
    assert "52.60 %" not in indonesian
    assert "52.60 %" in english
    assert "52,60 %" not in english
    assert english.count("zi-chart-value") == indonesian.count("zi-chart-value") == 4 * 3
