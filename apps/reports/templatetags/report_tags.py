"""``{% report_request_button "unit_profile" unit=unit.public_id %}``: the request button, for any page."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("reports/partials/request_button.html", takes_context=True)
def report_request_button(context: template.Context, kind: str, label: str = "", **params: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "params": {name: str(value) for name, value in params.items()},
        "label": label,
        # The partial needs the page's membership (who may request) and CSRF token.
        "membership": context.get("membership"),
        "csrf_token": context.get("csrf_token"),
    }
