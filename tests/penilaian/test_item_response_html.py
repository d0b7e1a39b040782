"""The autosave answer's pieces built in Python (apps/penilaian/item_html.py) are the markup of the
templates the pages still include, in both languages, for complete and incomplete counts."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from apps.penilaian.item_html import answered_html, done_html


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(("answered", "total"), [(0, 0), (0, 7), (3, 7), (7, 7), (12, 1250)])
def test_done_and_answered_are_their_templates(language: str, answered: int, total: int) -> None:
    progress = SimpleNamespace(answered=answered, total=total, section=SimpleNamespace(slug="pemenuhan-1"))
    with translation.override(language):
        assert done_html(answered, total) == render_to_string(
            "penilaian/partials/done.html", {"answered": answered, "total": total}
        )
        for oob in (False, True):
            # The template starts with the newline after its comment line; the markup is the same.
            assert (
                answered_html(progress, oob=oob).strip()
                == render_to_string("penilaian/partials/ws_answered.html", {"progress": progress, "oob": oob}).strip()
            )
