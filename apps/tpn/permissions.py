"""Which national capability records which TPN stage (capabilities, never role names)."""

from __future__ import annotations

from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.tpn.models import Stage

EVALUATION_STAGES = frozenset({Stage.ADMINISTRASI, Stage.SANGGAHAN, Stage.DESK, Stage.LAPANGAN})
DECISION_STAGES = frozenset({Stage.PENETAPAN, Stage.PENCABUTAN})


def is_national(actor: Membership | None) -> bool:
    return actor is not None and actor.is_national and actor.can(Cap.NATIONAL_VIEW)


def can_record(actor: Membership | None, stage: str) -> bool:
    """May the national ``actor`` record a result of ``stage`` (desk also covers the TPN answers)?"""
    if actor is None or not is_national(actor):
        return False
    if stage in EVALUATION_STAGES:
        return actor.can(Cap.TPN_EVALUATE)
    if stage in DECISION_STAGES:
        return actor.can(Cap.TPN_DECIDE)
    return False
