"""``{% pendampingan_suggestion penilaian item.soal %}``: on the LKE worksheet, next to the soal ZI
already knows something about (``apps.pendampingan.suggestions.LKE_SOAL``), the suggested answer
with a link to its source. Never an answer: the unit chooses its own."""

from __future__ import annotations

from typing import Any

from django import template

from apps.pendampingan.suggestions import LKE_SOAL, suggestion_for

register = template.Library()


@register.inclusion_tag("pendampingan/partials/lke_suggestion.html")
def pendampingan_suggestion(penilaian: Any, soal: Any) -> dict[str, Any]:
    if soal.portalrb_soal_id not in LKE_SOAL:  # no query for the other soal
        return {"suggestion": None}
    return {"suggestion": suggestion_for(penilaian=penilaian, portalrb_soal_id=soal.portalrb_soal_id), "soal": soal}
