"""What every pengusulan service shares: the checks of capability, instansi and the year's window,
the proposal's lock, the audit row and the evidence upload."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.bukti_dukung.services import bukti_dukung_upload
from apps.core.errors import PermissionDeniedError, WindowClosed
from apps.pengusulan.deadlines import proposal_closes_on
from apps.pengusulan.models import Pengusulan, PengusulanStatus
from apps.tenancy.models import Membership
from apps.unit_kerja.models import Cycle

WINDOW_CLOSED = _("The proposal window of this year closed on %(date)s.")


S = PengusulanStatus


def _require(actor: Membership, *capabilities: str) -> None:
    if actor.instansi_id is None or not any(actor.can(c) for c in capabilities):
        raise PermissionDeniedError


def _same_instansi(actor: Membership, obj: Any) -> None:
    if obj.instansi_id != actor.instansi_id:
        raise PermissionDeniedError


def _require_window(cycle: Cycle) -> None:
    closes_on = proposal_closes_on(cycle)
    if timezone.localdate() > closes_on:
        raise WindowClosed(WINDOW_CLOSED % {"date": closes_on})


def _audit(actor: Membership | None, verb: str, obj: Any, **after: Any) -> None:
    audit_record(actor=actor.user if actor else None, verb=verb, obj=obj, after=after or None)


def _upload_all(actor: Membership, files: Iterable[UploadedFile[bytes]], description: str) -> list[Any]:
    return [bukti_dukung_upload(actor=actor, file=f, description=description) for f in files]


def _lock(pengusulan: Pengusulan) -> Pengusulan:
    return (
        Pengusulan.objects.select_for_update(of=("self",))
        .select_related("cycle", "cycle__instansi", "unit", "penilaian", "instansi")
        .get(pk=pengusulan.pk)
    )
