"""What every pengusulan service shares: the checks of instansi and the year's window, the rows read
with the locked proposal and the evidence upload. The capability check, the row lock and the audit
row are :mod:`apps.audit.guarded`'s."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.bukti_dukung.services import bukti_dukung_upload
from apps.core.errors import PermissionDeniedError, WindowClosed
from apps.pengusulan.deadlines import proposal_closes_on
from apps.pengusulan.models import PengusulanStatus
from apps.tenancy.models import Membership
from apps.unit_kerja.models import Cycle

WINDOW_CLOSED = _("The proposal window of this year closed on %(date)s.")


S = PengusulanStatus

# Read with the locked proposal (``lock(pengusulan, related=JOINED)``); only the proposal row is locked.
JOINED = ("cycle", "cycle__instansi", "unit", "penilaian", "instansi")


def _same_instansi(actor: Membership, obj: Any) -> None:
    if obj.instansi_id != actor.instansi_id:
        raise PermissionDeniedError


def _require_window(cycle: Cycle) -> None:
    closes_on = proposal_closes_on(cycle)
    if timezone.localdate() > closes_on:
        raise WindowClosed(WINDOW_CLOSED % {"date": closes_on})


def _upload_all(actor: Membership, files: Iterable[UploadedFile[bytes]], description: str) -> list[Any]:
    return [bukti_dukung_upload(actor=actor, file=f, description=description) for f in files]
