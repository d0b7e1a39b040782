"""The penetapan (designation of a unit for the year) transition table (issue 17; apps.core.workflow)."""

from __future__ import annotations

from apps.core.workflow import Transition, Workflow, register
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import PenetapanStatus as S

PENETAPAN = register(
    Workflow(
        name="penetapan",
        title="Penetapan (a unit designated for the year by SK)",
        states=tuple(S.values),
        initial=S.PROPOSED,
        transitions=(
            Transition(
                (S.PROPOSED,),
                "designate",
                S.DESIGNATED,
                Cap.PENETAPAN_MANAGE,
                guard="year open; SK number, date (this year or the last) and signed file",
                effect="the LKE of the year can be opened for the unit",
            ),
            Transition(
                (S.DESIGNATED,),
                "designate",
                S.DESIGNATED,
                Cap.PENETAPAN_MANAGE,
                guard="year open; a corrected SK (a new file replaces the old)",
            ),
        ),
    )
)
