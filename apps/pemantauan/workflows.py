"""The revocation proposal's transition table (issue 17; apps.core.workflow)."""

from __future__ import annotations

from apps.core.workflow import Transition, Workflow, register
from apps.pemantauan.models import StatusUsulan as S
from apps.tenancy.roles import Cap

USULAN_PENCABUTAN = register(
    Workflow(
        name="usulan_pencabutan",
        title="Usulan pencabutan (revocation proposal after the predikat)",
        states=tuple(S.values),
        initial=S.DIUSULKAN,
        transitions=(
            Transition(
                (S.DIUSULKAN,),
                "revoke",
                S.DICABUT,
                Cap.TPN_DECIDE,
                guard="the revocation date; the predikat still held",
                effect="PredikatUnit revoked: no new proposal for 2 years",
            ),
            Transition((S.DIUSULKAN,), "reject", S.DITOLAK, Cap.TPN_DECIDE, guard="notes"),
        ),
    )
)
