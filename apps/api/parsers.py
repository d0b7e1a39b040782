"""The APIs' JSON parser: DRF's, bounded in depth (issue 19 item 6).

Python's ``json`` recurses once per level of nesting: ``[[[[…]]]]`` a hundred thousand deep raised
``RecursionError`` out of DRF's parser, a 500. Here any document nested deeper than ``MAX_DEPTH`` —
far beyond anything our APIs accept — is a 400 in the APIs' error body, checked without recursion.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def _too_deep(value: Any) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return False


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("The JSON document is nested too deeply.")) from exc
        if _too_deep(data):
            raise ParseError(_("The JSON document is nested too deeply."))
        return data
