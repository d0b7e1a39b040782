"""``{% survei_suggestion penilaian item.soal %}``: on the LKE worksheet, next to the IPAK and IPKP
soal, the value the unit's own survey suggests, with a link to its results. Never an answer: the
unit types its own value (and attaches the results PDF as evidence)."""

from __future__ import annotations

from typing import Any

from django import template

from apps.survei.selectors import instrumen_for_soal, lke_suggestion
from apps.tenancy.roles import Cap

register = template.Library()


@register.inclusion_tag("survei/partials/lke_suggestion.html", takes_context=True)
def survei_suggestion(context: Any, penilaian: Any, soal: Any) -> dict[str, Any]:
    if instrumen_for_soal(soal.portalrb_soal_id) is None:
        return {"suggestion": None}
    request = context.get("request")
    membership = getattr(request, "membership", None)
    can_view = membership is not None and membership.can(Cap.SURVEI_VIEW)
    return {
        "suggestion": lke_suggestion(penilaian=penilaian, portalrb_soal_id=soal.portalrb_soal_id),
        "can_view": can_view,
        "soal": soal,
        "unit": penilaian.unit,
    }
