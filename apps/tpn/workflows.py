"""The TPN stages, penetapan and pencabutan as one transition table (issue 17; apps.core.workflow).

The state is the proposal's national stage (``NationalStage``, derived from its latest append-only
``TPNResult``); an action is ``<stage>.<outcome>``: recording that result."""

from __future__ import annotations

from apps.core.workflow import Transition, Workflow, register
from apps.tenancy.roles import Cap
from apps.tpn.models import Outcome as O
from apps.tpn.models import Stage
from apps.tpn.selectors import NationalStage as N

_EVALUATED = (N.ADMINISTRASI_LULUS, N.ADMINISTRASI_LULUS_CATATAN, N.SANGGAHAN_DITERIMA, N.DESK)


def action(stage: str, outcome: str) -> str:
    return f"{stage}.{outcome}"


TPN = register(
    Workflow(
        name="tpn",
        title="TPN evaluation, penetapan and pencabutan",
        states=N.ALL,
        initial=N.PROPOSED,
        status_field="stage",
        transitions=(
            Transition((N.PROPOSED,), action(Stage.ADMINISTRASI, O.LULUS), N.ADMINISTRASI_LULUS, Cap.TPN_EVALUATE),
            Transition(
                (N.PROPOSED,),
                action(Stage.ADMINISTRASI, O.LULUS_CATATAN),
                N.ADMINISTRASI_LULUS_CATATAN,
                Cap.TPN_EVALUATE,
            ),
            Transition(
                (N.PROPOSED,),
                action(Stage.ADMINISTRASI, O.TIDAK_LULUS),
                N.ADMINISTRASI_TIDAK_LULUS,
                Cap.TPN_EVALUATE,
            ),
            Transition(
                (N.ADMINISTRASI_TIDAK_LULUS,),
                action(Stage.SANGGAHAN, O.DITERIMA),
                N.SANGGAHAN_DITERIMA,
                Cap.TPN_EVALUATE,
                guard="notes",
            ),
            Transition(
                (N.ADMINISTRASI_TIDAK_LULUS,),
                action(Stage.SANGGAHAN, O.DITOLAK),
                N.SANGGAHAN_DITOLAK,
                Cap.TPN_EVALUATE,
                guard="notes",
            ),
            Transition(
                _EVALUATED,
                action(Stage.DESK, O.SELESAI),
                N.DESK,
                Cap.TPN_EVALUATE,
                guard="TPN answers recorded",
                effect="TPN-tier scores frozen in the result",
            ),
            Transition((N.DESK,), action(Stage.LAPANGAN, O.SELESAI), N.LAPANGAN, Cap.TPN_EVALUATE, guard="notes"),
            Transition(
                (N.DESK, N.LAPANGAN),
                action(Stage.PENETAPAN, O.DITETAPKAN_WBK),
                N.DITETAPKAN,
                Cap.TPN_DECIDE,
                guard="decree; the proposal's predikat; TPN score meets every threshold or an override reason",
                effect="PredikatUnit recorded",
            ),
            Transition(
                (N.DESK, N.LAPANGAN),
                action(Stage.PENETAPAN, O.DITETAPKAN_WBBM),
                N.DITETAPKAN,
                Cap.TPN_DECIDE,
                guard="decree; the proposal's predikat; TPN score meets every threshold or an override reason",
                effect="PredikatUnit recorded",
            ),
            Transition(
                (N.DESK, N.LAPANGAN),
                action(Stage.PENETAPAN, O.TIDAK_DITETAPKAN),
                N.TIDAK_DITETAPKAN,
                Cap.TPN_DECIDE,
            ),
            Transition(
                (N.DITETAPKAN,),
                action(Stage.PENCABUTAN, O.DICABUT),
                N.DICABUT,
                Cap.TPN_DECIDE,
                guard="reason and date; the predikat is held",
                effect="PredikatUnit revoked: no new proposal for 2 years",
            ),
        ),
    )
)
