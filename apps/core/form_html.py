"""A form field's HTML without the template engine, for pages that render many small forms.

Django renders each widget, label and field group through its form templates (``field.html`` →
``label.html`` → the widget's template → ``attrs.html``): correct, but on a page of forty item forms
that is most of the time spent. ``widget_html`` and ``field_group_html`` build the same markup in
Python for the plain widgets (text-like inputs, hidden, file — a clearable one while it holds no
file —, textarea, a single select): the same attributes in the same order — ``id``, ``maxlength``,
``required``, ``aria-invalid`` and ``aria-describedby`` come from the bound field exactly as Django
computes them — and the field's errors through Django's own error list. Anything else (radio and
checkbox groups, a clearable file input holding a file, help texts, fieldsets) goes through Django
as before."""

from __future__ import annotations

import html
from typing import Any

from django import forms
from django.forms import BoundField
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext


def conditional_escape(value: Any) -> str:
    """``django.utils.html.conditional_escape``, the same output, without the lazy-argument wrapper of
    ``escape`` (these pages escape a thousand values each; tests/core/test_form_html.py compares)."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return SafeString(html.escape(str(value)))


_INPUTS = frozenset(
    {
        forms.TextInput,
        forms.NumberInput,
        forms.URLInput,
        forms.EmailInput,
        forms.HiddenInput,
        forms.FileInput,
        forms.DateInput,
    }
)


def _attrs(attrs: dict[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``: ``False`` leaves the attribute out, ``True`` writes its name."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {conditional_escape(name)}")
        else:
            parts.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(parts)


def _supported(bound: BoundField) -> bool:
    widget = bound.field.widget
    if type(widget) is forms.ClearableFileInput:  # with no file yet it is a plain file input
        return not widget.is_initial(bound.value())
    if type(widget) is forms.Select:
        return not widget.allow_multiple_selected
    return type(widget) in _INPUTS or type(widget) is forms.Textarea


def widget_html(bound: BoundField) -> SafeString:
    """``{{ form.field }}``."""
    if not _supported(bound):
        return mark_safe(str(bound))
    widget = bound.field.widget
    if bound.field.localize:
        widget.is_localized = True
    attrs = bound.build_widget_attrs({}, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    context = widget.get_context(bound.html_name, bound.value(), attrs)["widget"]
    name = conditional_escape(context["name"])
    rendered = _attrs(context["attrs"])
    if type(widget) is forms.Textarea:
        value = context["value"]
        return mark_safe(f'<textarea name="{name}"{rendered}>\n{conditional_escape(value) if value else ""}</textarea>')
    if type(widget) is forms.Select:
        options = "".join(
            f'\n  <option value="{conditional_escape(option["value"])}"{_attrs(option["attrs"])}>'
            f"{conditional_escape(option['label'])}</option>"
            for _group, group_options, _index in context["optgroups"]
            for option in group_options
        )
        return mark_safe(f'<select name="{name}"{rendered}>{options}\n</select>')
    value = context["value"]
    shown = f' value="{conditional_escape(value)}"' if value is not None else ""
    return mark_safe(f'<input type="{conditional_escape(context["type"])}" name="{name}"{shown}{rendered}>')


def label_html(bound: BoundField) -> SafeString:
    """``{{ form.field.label_tag }}`` (the form's label suffix unless the label ends in punctuation)."""
    contents = bound.label
    if not contents:
        return mark_safe("")
    form = bound.form
    suffix = bound.field.label_suffix if bound.field.label_suffix is not None else form.label_suffix
    text = conditional_escape(contents)
    if suffix and contents[-1] not in gettext(":?.!"):
        text = f"{text}{conditional_escape(suffix)}"
    id_ = bound.field.widget.attrs.get("id") or bound.auto_id
    if not id_:
        return mark_safe(text)
    attrs: dict[str, Any] = {}
    for_id = bound.field.widget.id_for_label(id_)
    if for_id:
        attrs["for"] = for_id
    if bound.field.required and hasattr(form, "required_css_class"):
        attrs["class"] = form.required_css_class
    return mark_safe(f"<label{_attrs(attrs)}>{text}</label>")


def field_group_html(bound: BoundField) -> SafeString:
    """``{{ form.field.as_field_group }}``: label, errors, widget."""
    if not _supported(bound) or bound.help_text or bound.use_fieldset:
        return mark_safe(bound.as_field_group())
    errors = str(bound.errors) if bound.errors else ""
    return mark_safe(f"{label_html(bound)}\n{errors}\n{widget_html(bound)}")
