"""The penilaian (LKE and its TPI tiers) transition table (issue 17; apps.core.workflow)."""

from __future__ import annotations

from apps.core.workflow import Transition, Workflow, register
from apps.penilaian.models import PenilaianStatus as S
from apps.tenancy.roles import Cap

PENILAIAN = register(
    Workflow(
        name="penilaian",
        title="Penilaian (LKE self-assessment and TPI tiers)",
        states=tuple(S.values),
        initial=S.DRAFT,
        transitions=(
            Transition(
                (S.DRAFT,),
                "submit",
                S.IN_REVIEW,
                Cap.PENILAIAN_FILL,
                guard="fill window open; below 100 % answered needs a reason (the missing items are listed)",
                effect="tier 1 told",
            ),
            Transition(
                (S.REVISION,),
                "submit",
                S.IN_REVIEW,
                Cap.PENILAIAN_FILL,
                guard="no returned item still open",
                effect="the tier that returned told",
            ),
            Transition(
                (S.IN_REVIEW,),
                "send_back",
                S.REVISION,
                Cap.PENILAIAN_REVIEW,
                guard="assigned at the current tier; at least one item returned",
                effect="new revision round; unit told",
            ),
            Transition(
                (S.IN_REVIEW,),
                "return_unanswered",
                S.REVISION,
                Cap.PENILAIAN_REVIEW,
                guard="assigned at the current tier; the unit left items unanswered",
                effect="every unanswered item returned (history per item); unit told",
            ),
            Transition(
                (S.IN_REVIEW,),
                "hand_over",
                S.IN_REVIEW,
                Cap.PENILAIAN_REVIEW,
                guard="not the last tier; every soal answered at this tier; nothing pending",
                effect="next tier told",
            ),
            Transition(
                (S.IN_REVIEW,),
                "close",
                S.CLOSED,
                Cap.PENILAIAN_REVIEW,
                guard="the last tier; every soal answered at this tier; nothing pending",
                effect="read-only; unit and admin told",
            ),
            Transition(
                (S.CLOSED,),
                "recommend",
                S.RECOMMENDED,
                Cap.PENILAIAN_REVIEW,
                guard="assigned; the final tier meets the predikat's thresholds, or a written reason the LHE prints",
            ),
            Transition(
                (S.CLOSED,),
                "not_recommend",
                S.NOT_RECOMMENDED,
                Cap.PENILAIAN_REVIEW,
                guard="assigned; reasons",
            ),
        ),
    )
)
