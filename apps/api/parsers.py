"""The APIs' body parsers: DRF's, bounded in depth and refusing NUL characters (issue 19 item 6).

* Python's ``json`` recurses once per level of nesting: ``[[[[…]]]]`` a hundred thousand deep raised
  ``RecursionError`` out of DRF's parser, a 500. Any document nested deeper than ``MAX_DEPTH`` — far
  beyond anything our APIs accept — is a 400, checked without recursion.
* PostgreSQL text cannot hold a NUL character: a ``"\\u0000"`` in a JSON string or a ``%00`` in a
  form field reached the database and was a 500. Such a body is a 400 before any view sees it (file
  contents of multipart uploads are bytes and may hold NUL; only their names and the text fields are
  checked).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

MAX_DEPTH = 32


def _too_deep_or_nul(value: Any) -> str | None:
    """Why the parsed document is refused, or None."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return _("The JSON document is nested too deeply.")
        if isinstance(item, str):
            if "\x00" in item:
                return _("The request contains a NUL character, which is not allowed.")
        elif isinstance(item, dict):
            stack.extend((key, depth) for key in item)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return None


def _form_has_nul(data: Any, files: Any = None) -> bool:
    texts = list(data) + [value for _key, values in data.lists() for value in values]
    if files is not None:
        texts += [str(getattr(upload, "name", "")) for _key, uploads in files.lists() for upload in uploads]
    return any("\x00" in str(text) for text in texts)


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("The JSON document is nested too deeply.")) from exc
        refusal = _too_deep_or_nul(data)
        if refusal is not None:
            raise ParseError(refusal)
        return data


class NulSafeFormParser(FormParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        if _form_has_nul(data):
            raise ParseError(_("The request contains a NUL character, which is not allowed."))
        return data


class NulSafeMultiPartParser(MultiPartParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        if _form_has_nul(parsed.data, parsed.files):
            raise ParseError(_("The request contains a NUL character, which is not allowed."))
        return parsed
