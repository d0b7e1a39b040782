"""The proposal's workflow: create (draft), submit, correct (snapshot n+1), withdraw."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import audit, lock, require
from apps.core.errors import TransitionNotAllowed
from apps.pengusulan.models import Pengusulan, PengusulanSnapshot, Predikat, SuratPengusulan
from apps.pengusulan.services.common import JOINED, S, _require_window, _same_instansi
from apps.pengusulan.services.submission import (
    NOT_RECOMMENDED,
    _allowed_predikat,
    _check_eligible,
    _check_quota,
    _check_thresholds,
    _freeze,
    _letter_for,
    _notify_submitted,
)
from apps.pengusulan.workflows import PENGUSULAN
from apps.penilaian.models import Penilaian
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Penetapan

PREDIKAT_NOT_RECOMMENDED = _("The TPI recommended this unit for WBK only.")
PREDIKAT_INVALID = _("Choose WBK or WBBM.")
ALREADY_PROPOSED = _("This unit is already proposed this year.")
REASON_REQUIRED = _("Give the reason for the correction.")
NOT_PROPOSED = _("Only a submitted proposal can be corrected.")
ALREADY_WITHDRAWN = _("This proposal is already withdrawn.")


@transaction.atomic
def pengusulan_create(*, actor: Membership, penilaian: Penilaian, predikat: str) -> Pengusulan:
    """Pick a unit the TPI recommended and choose WBK or WBBM (draft). WBBM needs a ``layak_wbbm``
    recommendation; eligibility is shown on the page and enforced on submit."""
    require(actor, Cap.PENGUSULAN_SUBMIT, Cap.PENGUSULAN_MANAGE)
    _same_instansi(actor, penilaian)
    penilaian = lock(penilaian, related=("cycle", "unit"))
    if predikat not in Predikat.values:
        raise ValidationError({"predikat": ValidationError(PREDIKAT_INVALID, code="invalid")})
    allowed = _allowed_predikat(penilaian)
    if not allowed:
        raise TransitionNotAllowed(NOT_RECOMMENDED)
    if predikat not in allowed:
        raise ValidationError({"predikat": ValidationError(PREDIKAT_NOT_RECOMMENDED, code="not_recommended")})
    _require_window(penilaian.cycle)
    if (
        Pengusulan.objects.filter(instansi_id=actor.instansi_id, cycle=penilaian.cycle, unit=penilaian.unit)  # type: ignore[misc]  # require: an instansi role
        .exclude(status=S.WITHDRAWN)
        .exists()
    ):
        raise TransitionNotAllowed(ALREADY_PROPOSED)
    penetapan = Penetapan.objects.filter(  # type: ignore[misc]  # require: an instansi role
        instansi_id=actor.instansi_id, cycle=penilaian.cycle, unit=penilaian.unit
    ).first()
    pengusulan = Pengusulan(  # type: ignore[misc]  # require: an instansi role
        instansi_id=actor.instansi_id,
        cycle=penilaian.cycle,
        unit=penilaian.unit,
        penilaian=penilaian,
        predikat=predikat,
        afirmasi=bool(penetapan and penetapan.afirmasi_type),
    )
    pengusulan.full_clean(exclude=["instansi", "cycle", "unit", "penilaian"])
    pengusulan.save()
    audit(actor, "pengusulan.create", pengusulan, unit=penilaian.unit.code, predikat=predikat)
    return pengusulan


@transaction.atomic
def pengusulan_submit(*, actor: Membership, pengusulan: Pengusulan, afirmasi_reason: str = "") -> Pengusulan:
    """The pimpinan instansi submits the proposal: inside the window, under the quota, every
    blocking check passing, the year's letter with its SPTJM present. Freezes snapshot 1 and
    lists the unit in the letter. Submitting an already proposed unit again changes nothing."""
    _same_instansi(actor, pengusulan)
    pengusulan = lock(pengusulan, related=JOINED)
    PENGUSULAN.check(state=pengusulan.status, action="submit", actor=actor)
    if pengusulan.status == S.PROPOSED:
        return pengusulan  # a double click or a retried request: idempotent
    _require_window(pengusulan.cycle)
    if pengusulan.predikat not in _allowed_predikat(pengusulan.penilaian):
        raise TransitionNotAllowed(NOT_RECOMMENDED)
    _check_quota(pengusulan)
    _check_eligible(pengusulan)
    report = _check_thresholds(pengusulan, afirmasi_reason)
    pengusulan.afirmasi_reason = "" if report.met else afirmasi_reason.strip()
    surat = _letter_for(pengusulan)
    # Numbers continue after a withdrawal and a new submission of the same row (never reused).
    latest = PengusulanSnapshot.objects.filter(pengusulan=pengusulan).order_by("-number").first()
    snapshot = _freeze(actor=actor, pengusulan=pengusulan, number=(latest.number + 1) if latest else 1)
    PENGUSULAN.apply(
        obj=pengusulan,
        action="submit",
        actor=actor,
        fields={
            "proposed_at": timezone.now(),
            "version": pengusulan.version + 1,
            "afirmasi_reason": pengusulan.afirmasi_reason,
        },
        after_extra={
            "snapshot": snapshot.number,
            "sha256": snapshot.sha256,
            "surat": surat.number,
            "thresholds_met": report.met,
            "afirmasi_reason": pengusulan.afirmasi_reason,
        },
    )
    surat.items.add(pengusulan)
    _notify_submitted(actor, pengusulan, snapshot)
    return pengusulan


@transaction.atomic
def pengusulan_correct(*, actor: Membership, pengusulan: Pengusulan, reason: str) -> PengusulanSnapshot:
    """Replace the frozen snapshot with a new one (n+1) inside the window, with the reason. The old
    snapshot is kept, no longer current; PortalRB serves the new one."""
    require(actor, Cap.PENGUSULAN_SUBMIT)
    _same_instansi(actor, pengusulan)
    if not reason.strip():
        raise ValidationError({"reason": ValidationError(REASON_REQUIRED, code="required")})
    pengusulan = lock(pengusulan, related=JOINED)
    PENGUSULAN.check(state=pengusulan.status, action="correct", actor=actor, message=NOT_PROPOSED)
    _require_window(pengusulan.cycle)
    _check_eligible(pengusulan)
    current = PengusulanSnapshot.objects.select_for_update().filter(pengusulan=pengusulan).order_by("-number")
    latest = current.first()
    PengusulanSnapshot.objects.filter(pengusulan=pengusulan, is_current=True).update(is_current=False)
    snapshot = _freeze(
        actor=actor, pengusulan=pengusulan, number=(latest.number + 1) if latest else 1, reason=reason.strip()
    )
    PENGUSULAN.apply(
        obj=pengusulan,
        action="correct",
        actor=actor,
        fields={"version": pengusulan.version + 1},
        before_extra={"snapshot": latest.number if latest else 0, "sha256": latest.sha256 if latest else ""},
        after_extra={"snapshot": snapshot.number, "sha256": snapshot.sha256, "reason": snapshot.reason},
    )
    _notify_submitted(actor, pengusulan, snapshot)
    return snapshot


@transaction.atomic
def pengusulan_withdraw(*, actor: Membership, pengusulan: Pengusulan) -> Pengusulan:
    """Withdraw a draft or a submitted proposal before the window closes (snapshots kept as history;
    PortalRB no longer lists the unit). The unit may be proposed again afterwards."""
    _same_instansi(actor, pengusulan)
    pengusulan = lock(pengusulan, related=JOINED)
    PENGUSULAN.check(state=pengusulan.status, action="withdraw", actor=actor, message=ALREADY_WITHDRAWN)
    _require_window(pengusulan.cycle)
    PENGUSULAN.apply(obj=pengusulan, action="withdraw", actor=actor, fields={"version": pengusulan.version + 1})
    surat = SuratPengusulan.objects.filter(instansi_id=pengusulan.instansi_id, cycle=pengusulan.cycle).first()
    if surat is not None:
        surat.items.remove(pengusulan)
    return pengusulan
