"""``{% tpn_results pengusulan %}``: the TPN results section of the instansi's pengusulan page.

A tag rather than a view-context entry so the pengusulan view stays untouched; the pengusulan it
receives was already reached through ``access_pengusulan`` (the instansi's own), and the selector
filters on that pengusulan's instansi.
"""

from __future__ import annotations

from typing import Any

from django import template

from apps.pengusulan.models import Pengusulan
from apps.tpn.selectors import proposal_stage, tpn_results_for

register = template.Library()


@register.inclusion_tag("tpn/partials/results.html")
def tpn_results(pengusulan: Pengusulan) -> dict[str, Any]:
    results = list(tpn_results_for(pengusulan=pengusulan))
    return {"pengusulan": pengusulan, "results": results, "stage": proposal_stage(pengusulan)}
