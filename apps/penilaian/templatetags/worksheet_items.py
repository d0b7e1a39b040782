"""``{% ws_item item group %}`` and ``{% ws_evidence item %}``: a worksheet item and its evidence box,
built in Python by ``apps.penilaian.item_html`` (issue 22: three quarters of the page's time went to
rendering items through the template engine)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from apps.penilaian.item_html import evidence_html, item_html

register = template.Library()


@register.simple_tag(takes_context=True)
def ws_item(context: Any, item: Any, group: Any = None) -> SafeString:
    return item_html(request=context["request"], penilaian=context["penilaian"], item=item, group=group)


@register.simple_tag(takes_context=True)
def ws_evidence(context: Any, item: Any) -> SafeString:
    return evidence_html(request=context["request"], penilaian=context["penilaian"], item=item)
