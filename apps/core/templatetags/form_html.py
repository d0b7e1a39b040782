"""``{{ form.field|widget_html }}`` and ``{{ form.field|field_group_html }}``: the same markup as
``{{ form.field }}`` and ``{{ form.field.as_field_group }}``, built without the template engine
(``apps.core.form_html``)."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from apps.core import form_html

register = template.Library()


@register.filter
def widget_html(bound: BoundField) -> SafeString:
    return form_html.widget_html(bound)


@register.filter
def field_group_html(bound: BoundField) -> SafeString:
    return form_html.field_group_html(bound)
