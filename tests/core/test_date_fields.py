"""Date fields come back filled when a record is edited (issue 21): an <input type="date"> only
understands ISO dates, so every date widget renders 2026-03-01, never the Indonesian 01/03/2026."""

from __future__ import annotations

import datetime
import re

import pytest
from django import forms
from django.apps import apps as django_apps
from django.utils import translation

from apps.pencanangan.forms import PencananganEditForm
from apps.pengusulan.forms import SuratForm, UnitEligibilityForm
from apps.survei.forms import SurveiForm

DAY = datetime.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("form_class", "field"),
    [
        (PencananganEditForm, "date"),
        (UnitEligibilityForm, "zi_started_on"),
        (SuratForm, "date"),
        (SurveiForm, "opens_on"),
    ],
)
def test_a_saved_date_is_in_the_date_input_in_both_languages(form_class: type[forms.Form], field: str) -> None:
    for language in ("id", "en"):
        with translation.override(language):
            form = form_class.__new__(form_class)
            forms.Form.__init__(form, initial={field: DAY})
            html = str(form[field])
        assert 'type="date"' in html
        assert 'value="2026-03-01"' in html, (language, html)
        # And what the browser sends back is read again.
        bound = form_class.__new__(form_class)
        forms.Form.__init__(bound, data={field: "2026-03-01"})
        bound.is_valid()
        assert bound.cleaned_data[field] == DAY


def test_every_date_widget_of_every_form_renders_iso() -> None:
    """No form left with a locale-formatted date input."""
    checked = 0
    for config in django_apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        try:
            module = __import__(f"{config.name}.forms", fromlist=["*"])
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == module.__name__:
                for name, field in value.base_fields.items():
                    widget = field.widget
                    if isinstance(widget, forms.DateInput) and "date" in (widget.input_type, widget.attrs.get("type")):
                        with translation.override("id"):
                            html = field.widget.render(name, DAY)
                        assert re.search(r'value="2026-03-01"', html), (value.__name__, name, html)
                        checked += 1
    assert checked >= 10
