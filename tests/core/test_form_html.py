"""``apps.core.form_html`` writes the same markup as Django's form templates: every supported
widget, unbound and bound, valid and with errors (aria-invalid, aria-describedby, the error list),
with values that need escaping; and what it does not support goes through Django unchanged."""

from __future__ import annotations

import datetime
import random
import re

import pytest
from django import forms
from django.utils.html import conditional_escape as django_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext_lazy

from apps.core.form_html import conditional_escape, field_group_html, label_html, widget_html


class Sample(forms.Form):
    text = forms.CharField(label="Nama <b>", max_length=20)
    number = forms.IntegerField(widget=forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}))
    link = forms.URLField(
        label="Tautan", required=False, max_length=500, widget=forms.URLInput(attrs={"placeholder": "https://"})
    )
    note = forms.CharField(label="Catatan?", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    file = forms.FileField(label="Berkas")
    choice = forms.ChoiceField(
        label="Pilihan", required=False, choices=[("", "— none —"), ("A", "A & <a>"), ("B", "B")]
    )
    day = forms.DateField(label="Tanggal", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    radio = forms.ChoiceField(label="Radio", choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect)
    clearable = forms.FileField(label="Ganti", required=False, widget=forms.ClearableFileInput)
    helped = forms.CharField(label="Dibantu", required=False, help_text="Isi <em>singkat</em>.")


def _same(a: str, b: str) -> str:
    return re.sub(r"\s+", " ", str(a)).strip() == re.sub(r"\s+", " ", str(b)).strip() or (a, b)


BOUND = {
    "p-text": 'a "quoted" <value> & more than twenty characters',
    "p-number": "x",
    "p-link": "not a url",
    "p-note": "line 1\n<script>",
    "p-version": "-1",
    "p-choice": "B",
    "p-day": "2026-02-30",
    "p-radio": "z",
    "p-helped": "ok",
}


@pytest.mark.parametrize(
    "form",
    [
        lambda: Sample(prefix="p"),
        lambda: Sample(prefix="p", initial={"text": "Budi & <Ani>", "note": "awal", "version": 3, "choice": "A"}),
        lambda: Sample(BOUND, prefix="p"),
        lambda: Sample({**BOUND, "p-text": "ok", "p-number": "4", "p-version": "2"}, prefix="p", auto_id="id_x%s"),
        lambda: Sample(BOUND, prefix="p", auto_id=False),
    ],
    ids=["unbound", "initial", "errors", "custom-id", "no-id"],
)
def test_every_field_renders_as_django_renders_it(form) -> None:
    form = form()
    form.is_bound and form.is_valid()
    for bound in form:
        assert _same(widget_html(bound), str(bound)) is True, bound.name
        assert _same(field_group_html(bound), bound.as_field_group()) is True, bound.name
        if not bound.use_fieldset:
            assert _same(label_html(bound), bound.label_tag()) is True, bound.name


def test_errors_are_marked_on_the_input() -> None:
    form = Sample(BOUND, prefix="p")
    assert not form.is_valid()
    html = str(field_group_html(form["text"]))
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_p-text_error"' in html
    assert '<ul class="errorlist" id="id_p-text_error">' in html
    assert "&quot;quoted&quot; &lt;value&gt; &amp;" in html


def _escapable_values() -> list[object]:
    """What a page escapes: typed text with every special character, already safe markup, lazy
    translations, numbers, None, dates, and objects whose ``str`` holds markup."""

    class Named:
        def __str__(self) -> str:
            return "Unit <A&B> \"kutip\" 'satu'"

    rng = random.Random(22)
    alphabet = "aZ9 <>&\"'=/;\n\t—é…"
    typed = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24))) for _ in range(200)]
    return [
        *typed,
        mark_safe("<b>aman</b> & 'x'"),
        gettext_lazy("Save"),
        gettext_lazy("Not saved: correct the marked input."),
        0,
        12.5,
        None,
        True,
        datetime.date(2026, 12, 7),
        Named(),
    ]


def test_the_fast_escape_writes_what_djangos_conditional_escape_writes() -> None:
    for value in _escapable_values():
        ours, theirs = conditional_escape(value), django_escape(value)
        assert ours == theirs, value
        assert isinstance(ours, SafeData)  # safe to join into markup, like Django's
