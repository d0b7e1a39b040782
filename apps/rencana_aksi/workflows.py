"""The rencana aksi approval and realisasi verification transition tables (issue 17; apps.core.workflow)."""

from __future__ import annotations

from apps.core.workflow import Transition, Workflow, register
from apps.rencana_aksi.models import PlanStatus as P
from apps.rencana_aksi.models import RealisasiStatus as R
from apps.tenancy.roles import Cap

RENCANA_AKSI = register(
    Workflow(
        name="rencana_aksi",
        title="Rencana aksi (the unit's plan and its approval)",
        states=tuple(P.values),
        initial=P.DRAFT,
        transitions=(
            Transition(
                (P.DRAFT,),
                "submit",
                P.SUBMITTED,
                Cap.RENCANA_AKSI_EDIT,
                guard="at least one kegiatan; every kegiatan has its PIC",
                effect="pimpinan unit told",
            ),
            Transition(
                (P.SUBMITTED,),
                "approve",
                P.APPROVED,
                Cap.RENCANA_AKSI_APPROVE,
                effect="the approved kegiatan kept in the history; team told",
            ),
            Transition((P.SUBMITTED,), "return", P.DRAFT, Cap.RENCANA_AKSI_APPROVE, guard="a note", effect="team told"),
            Transition(
                (P.APPROVED,),
                "revise",
                P.DRAFT,
                Cap.RENCANA_AKSI_EDIT,
                guard="a reason (on the first kegiatan change)",
                effect="revision n+1 opened",
            ),
        ),
    )
)

REALISASI = register(
    Workflow(
        name="realisasi",
        title="Realisasi (progress per monitoring period and its verification)",
        states=tuple(R.values),
        initial=R.DRAFT,
        transitions=(
            Transition(
                (R.DRAFT, R.RETURNED),
                "submit",
                R.SUBMITTED,
                Cap.RENCANA_AKSI_EDIT,
                guard="the plan was approved",
                effect="verifiers told",
            ),
            Transition(
                (R.SUBMITTED,),
                "verify",
                R.VERIFIED,
                Cap.RENCANA_AKSI_EDIT,
                guard="the pimpinan unit or the plan's named tim kerja lead; not one's own report",
                effect="progress counts on the dashboards",
            ),
            Transition(
                (R.SUBMITTED,),
                "return",
                R.RETURNED,
                Cap.RENCANA_AKSI_EDIT,
                guard="the pimpinan unit or the plan's named tim kerja lead; not one's own report; a note",
                effect="the reporter told",
            ),
        ),
    )
)
