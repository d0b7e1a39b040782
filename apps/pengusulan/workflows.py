"""The pengusulan transition table (issue 17: workflows as data; apps.core.workflow)."""

from __future__ import annotations

from apps.core.workflow import Transition, Workflow, register
from apps.pengusulan.models import PengusulanStatus as S
from apps.tenancy.roles import Cap

PENGUSULAN = register(
    Workflow(
        name="pengusulan",
        title="Pengusulan (proposal to KemenPANRB)",
        states=tuple(S.values),
        initial=S.DRAFT,
        transitions=(
            Transition(
                (S.DRAFT,),
                "submit",
                S.PROPOSED,
                Cap.PENGUSULAN_SUBMIT,
                guard="window open; TPI recommended the predikat; quota; Tabel 5 met; final TPI tier meets "
                "every threshold, or afirmasi with the failing rules and a written reason; letter with SPTJM",
                effect="snapshot frozen (with the thresholds and any afirmasi reason); unit listed in the letter",
            ),
            Transition(
                (S.PROPOSED,),
                "submit",
                S.PROPOSED,
                Cap.PENGUSULAN_SUBMIT,
                effect="nothing: a repeated submit is idempotent",
            ),
            Transition(
                (S.PROPOSED,),
                "correct",
                S.PROPOSED,
                Cap.PENGUSULAN_SUBMIT,
                guard="window open; a reason; Tabel 5 met",
                effect="snapshot n+1 replaces n (history kept)",
            ),
            Transition(
                (S.DRAFT, S.PROPOSED),
                "withdraw",
                S.WITHDRAWN,
                Cap.PENGUSULAN_SUBMIT,
                guard="window open",
                effect="removed from the letter; PortalRB no longer lists it",
            ),
        ),
    )
)
