"""Pengusulan writes: eligibility facts, the proposal workflow, the letter with its SPTJM.

Workflow of a ``Pengusulan`` (DESIGN §6)::

    draft ──submit (pimpinan, in the window, under quota, checks passing, SPTJM present)──▶ proposed
    proposed ──correct (in the window, with a reason)──▶ proposed (snapshot n+1 replaces n)
    draft | proposed ──withdraw (in the window)──▶ withdrawn

Submitting freezes a ``PengusulanSnapshot`` (``snapshot_build`` + ``snapshot_hash``): what PortalRB
pulls never changes when answers are edited later. Every service is atomic and audited; a refusal
raises before anything is written.

By topic: ``eligibility`` (the facts of Tabel 5 and the predikat a unit holds), ``proposal`` (the
workflow above), ``submission`` (what submitting and correcting check and freeze), ``letter`` (the
surat pengusulan, its SPTJM and PDF), ``deadline`` (TPN's national deadline); ``common`` holds what
they share. The names are re-exported here, so ``from apps.pengusulan.services import X`` and
``services.X`` keep working.
"""

from apps.pengusulan.services.common import WINDOW_CLOSED, _require_window
from apps.pengusulan.services.deadline import DEADLINE_OUTSIDE_YEAR, proposal_deadline_set
from apps.pengusulan.services.eligibility import (
    UNIT_NOT_IN_INSTANSI,
    instansi_eligibility_set,
    predikat_unit_record,
    unit_eligibility_set,
)
from apps.pengusulan.services.letter import (
    SPTJM_CONFIRM_REQUIRED,
    SPTJM_TEXT,
    SUBMITTED_LETTER_LOCKED,
    WRONG_PASSWORD,
    sptjm_text,
    surat_pdf_request,
    surat_pengusulan_save,
    surat_sptjm_sign,
)
from apps.pengusulan.services.proposal import (
    ALREADY_PROPOSED,
    ALREADY_WITHDRAWN,
    NOT_PROPOSED,
    PREDIKAT_INVALID,
    PREDIKAT_NOT_RECOMMENDED,
    REASON_REQUIRED,
    pengusulan_correct,
    pengusulan_create,
    pengusulan_submit,
    pengusulan_withdraw,
)
from apps.pengusulan.services.submission import (
    AFIRMASI_REASON_REQUIRED,
    BELOW_THRESHOLD,
    NO_LETTER,
    NO_SPTJM,
    NOT_ELIGIBLE,
    NOT_RECOMMENDED,
    QUOTA_FULL,
)

__all__ = [
    "AFIRMASI_REASON_REQUIRED",
    "ALREADY_PROPOSED",
    "ALREADY_WITHDRAWN",
    "BELOW_THRESHOLD",
    "DEADLINE_OUTSIDE_YEAR",
    "NOT_ELIGIBLE",
    "NOT_PROPOSED",
    "NOT_RECOMMENDED",
    "NO_LETTER",
    "NO_SPTJM",
    "PREDIKAT_INVALID",
    "PREDIKAT_NOT_RECOMMENDED",
    "QUOTA_FULL",
    "REASON_REQUIRED",
    "SPTJM_CONFIRM_REQUIRED",
    "SPTJM_TEXT",
    "SUBMITTED_LETTER_LOCKED",
    "UNIT_NOT_IN_INSTANSI",
    "WINDOW_CLOSED",
    "WRONG_PASSWORD",
    "_require_window",
    "instansi_eligibility_set",
    "pengusulan_correct",
    "pengusulan_create",
    "pengusulan_submit",
    "pengusulan_withdraw",
    "predikat_unit_record",
    "proposal_deadline_set",
    "sptjm_text",
    "surat_pdf_request",
    "surat_pengusulan_save",
    "surat_sptjm_sign",
    "unit_eligibility_set",
]
