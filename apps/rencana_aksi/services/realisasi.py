"""Realisasi: a kegiatan's report of a monitoring period with its evidence, submitted, then
verified or returned by the pimpinan unit or the tim kerja lead."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import audit, lock, require
from apps.bukti_dukung.models import BuktiDukung
from apps.bukti_dukung.services import bukti_dukung_upload
from apps.core.concurrency import save_or_conflict, version_check
from apps.core.errors import DomainError, PermissionDeniedError, TransitionNotAllowed
from apps.rencana_aksi import selectors
from apps.rencana_aksi.models import Kegiatan, Realisasi, RencanaAksi
from apps.rencana_aksi.periods import periods_for
from apps.rencana_aksi.services.base import (
    JOINED,
    NOTE_REQUIRED,
    R,
    _approvers,
    _notify_all,
    _require_unit,
)
from apps.rencana_aksi.workflows import REALISASI
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap

if TYPE_CHECKING:
    from apps.accounts.models import User

PLAN_NOT_APPROVED = _("Realisasi can be reported once the pimpinan unit has approved the plan.")
PERIOD_INVALID = _("This is not a monitoring period of %(tahun)s.")
NOT_DUE_IN_PERIOD = _("This kegiatan is not scheduled in %(periode)s.")
PROGRESS_RANGE = _("Progress is a percentage from 0 to 100.")
VALUE_NEGATIVE = _("The realised value cannot be negative.")
REALISASI_LOCKED = _("This realisasi is %(status)s: it cannot be changed.")
OWN_REPORT = _("Someone other than the reporter verifies a realisasi.")
NOT_VERIFIER = _("Only the tim kerja lead or the pimpinan unit verifies realisasi.")


# -----------------------------------------------------------------------------
# Realisasi
# -----------------------------------------------------------------------------


def _check_period(kegiatan: Kegiatan, periode: str) -> None:
    rencana = kegiatan.rencana
    tahun = rencana.cycle.tahun
    valid = {p.code: p for p in periods_for(tahun, selectors.frekuensi_for(cycle=rencana.cycle))}
    period = valid.get(periode)
    if period is None:
        raise ValidationError({"periode": ValidationError(PERIOD_INVALID % {"tahun": tahun}, code="period_invalid")})
    if not kegiatan.schedule & period.mask:
        raise ValidationError({"periode": ValidationError(NOT_DUE_IN_PERIOD % {"periode": periode}, code="not_due")})


def _upload(actor: Membership, files: Sequence[UploadedFile[bytes]], kegiatan: Kegiatan) -> list[BuktiDukung]:
    uploaded = []
    for file in files:
        try:
            uploaded.append(bukti_dukung_upload(actor=actor, file=file, description=kegiatan.description[:255]))
        except ValidationError as exc:
            raise ValidationError({"files": exc.error_list}) from exc
    return uploaded


@transaction.atomic
def realisasi_save(
    *,
    actor: Membership,
    kegiatan: Kegiatan,
    periode: str,
    progress: int,
    value: Decimal | None = None,
    narrative: str = "",
    files: Sequence[UploadedFile[bytes]] = (),
    submit: bool = False,
    version: int | None = None,
) -> Realisasi:
    """Record (or correct) the kegiatan's realisasi for a period, with new evidence files; with
    ``submit`` it goes to verification at once. A submitted or verified realisasi is locked; a
    returned one may be corrected and submitted again. A refused file saves nothing."""
    require(actor, Cap.RENCANA_AKSI_EDIT)
    rencana = lock(kegiatan.rencana, related=JOINED)
    _require_unit(actor, rencana.unit)
    kegiatan.rencana = rencana
    if not rencana.was_approved:
        raise DomainError(PLAN_NOT_APPROVED, code="plan_not_approved")
    if progress is None or not (0 <= int(progress) <= 100):
        raise ValidationError({"progress": ValidationError(PROGRESS_RANGE, code="progress_range")})
    if value is not None and value < 0:
        raise ValidationError({"value": ValidationError(VALUE_NEGATIVE, code="value_negative")})
    _check_period(kegiatan, periode)
    realisasi = (
        Realisasi.objects.select_for_update()
        .filter(instansi_id=kegiatan.instansi_id, kegiatan=kegiatan, periode=periode)
        .first()
    )
    version_check(realisasi, version)
    created = realisasi is None
    previous = (
        None
        if realisasi is None
        else {
            "progress": realisasi.progress,
            "value": realisasi.value,
            "narrative": realisasi.narrative,
            "status": realisasi.status,
        }
    )
    if realisasi is None:
        realisasi = Realisasi(instansi_id=kegiatan.instansi_id, kegiatan=kegiatan, periode=periode)
    elif realisasi.status in (R.SUBMITTED, R.VERIFIED):
        raise TransitionNotAllowed(REALISASI_LOCKED % {"status": realisasi.get_status_display().lower()})
    realisasi.progress = int(progress)
    realisasi.value = value
    realisasi.narrative = narrative.strip()
    realisasi.reported_by = actor.user
    if submit:
        realisasi.status = REALISASI.check(state=realisasi.status, action="submit", actor=actor).target
        realisasi.submitted_at = timezone.now()
    save_or_conflict(realisasi)
    bukti = _upload(actor, files, kegiatan)
    if bukti:
        realisasi.evidence.add(*bukti)
    audit(
        actor,
        "realisasi.create" if created else "realisasi.update",
        realisasi,
        before=previous,
        periode=periode,
        progress=realisasi.progress,
        value=value,
        narrative=realisasi.narrative,
        status=realisasi.status,
        files=[b.public_id for b in bukti],
        submitted=submit,
    )
    if submit:
        _notify_verifiers(rencana, realisasi, actor)
    return realisasi


def _verifiers(rencana: RencanaAksi) -> list[User]:
    users = list(_approvers(rencana))
    if rencana.ketua_tim is not None and rencana.ketua_tim.is_active:
        users.append(rencana.ketua_tim)
    return users


def _notify_verifiers(rencana: RencanaAksi, realisasi: Realisasi, actor: Membership) -> None:
    _notify_all(
        rencana,
        [u for u in _verifiers(rencana) if u.pk != actor.user.pk],
        kind="realisasi_submitted",
        key=f"ra-realisasi-submitted:{realisasi.public_id}:{(realisasi.submitted_at or timezone.now()).isoformat()}",
        context={"kegiatan": realisasi.kegiatan.description, "periode": realisasi.periode},
        link=reverse("rencana_aksi:realisasi-detail", kwargs={"public_id": realisasi.public_id}),
    )


@transaction.atomic
def realisasi_submit(*, actor: Membership, realisasi: Realisasi) -> Realisasi:
    """draft | returned → submitted."""
    require(actor, Cap.RENCANA_AKSI_EDIT)
    rencana = lock(realisasi.kegiatan.rencana, related=JOINED)
    _require_unit(actor, rencana.unit)
    realisasi = lock(realisasi, related=("kegiatan",))
    REALISASI.apply(
        obj=realisasi,
        action="submit",
        actor=actor,
        fields={"submitted_at": timezone.now(), "reported_by": actor.user},
        after_extra={"periode": realisasi.periode},
        verb="realisasi.submit",
    )
    _notify_verifiers(rencana, realisasi, actor)
    return realisasi


def can_verify(actor: Membership, rencana: RencanaAksi) -> bool:
    """The pimpinan unit (Cap.RENCANA_AKSI_APPROVE) or the plan's named tim kerja lead."""
    if actor.can(Cap.RENCANA_AKSI_APPROVE):
        return True
    return (
        actor.can(Cap.RENCANA_AKSI_EDIT) and rencana.ketua_tim_id is not None and rencana.ketua_tim_id == actor.user_id
    )


def _verify_prepare(actor: Membership, realisasi: Realisasi, action: str) -> tuple[RencanaAksi, Realisasi]:
    rencana = lock(realisasi.kegiatan.rencana, related=JOINED)
    if actor.instansi_id != rencana.instansi_id:
        raise PermissionDeniedError
    _require_unit(actor, rencana.unit)
    if not can_verify(actor, rencana):
        raise PermissionDeniedError(NOT_VERIFIER)
    realisasi = lock(realisasi, related=("kegiatan",))
    REALISASI.check(state=realisasi.status, action=action, actor=actor)
    if realisasi.reported_by_id == actor.user_id:
        raise DomainError(OWN_REPORT, code="own_report")
    return rencana, realisasi


@transaction.atomic
def realisasi_verify(*, actor: Membership, realisasi: Realisasi) -> Realisasi:
    """submitted → verified: the progress now counts on the dashboards."""
    _rencana, realisasi = _verify_prepare(actor, realisasi, "verify")
    REALISASI.apply(
        obj=realisasi,
        action="verify",
        actor=actor,
        fields={"verified_by": actor.user, "verified_at": timezone.now(), "return_note": ""},
        after_extra={"periode": realisasi.periode, "progress": realisasi.progress},
        verb="realisasi.verify",
    )
    return realisasi


@transaction.atomic
def realisasi_return(*, actor: Membership, realisasi: Realisasi, note: str) -> Realisasi:
    """submitted → returned with a note; the reporter is told."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": ValidationError(NOTE_REQUIRED, code="note_required")})
    rencana, realisasi = _verify_prepare(actor, realisasi, "return")
    REALISASI.apply(
        obj=realisasi,
        action="return",
        actor=actor,
        fields={"return_note": note},
        before_extra={"return_note": realisasi.return_note},
        after_extra={"periode": realisasi.periode, "return_note": note},
        verb="realisasi.return",
    )
    if realisasi.reported_by is not None:
        _notify_all(
            rencana,
            [realisasi.reported_by],
            kind="realisasi_returned",
            key=f"ra-realisasi-returned:{realisasi.public_id}:{timezone.now().isoformat()}",
            context={"kegiatan": realisasi.kegiatan.description, "periode": realisasi.periode, "note": note},
            link=reverse("rencana_aksi:realisasi-detail", kwargs={"public_id": realisasi.public_id}),
        )
    return realisasi
