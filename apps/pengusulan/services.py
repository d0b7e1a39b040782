"""Pengusulan writes: eligibility facts, the proposal workflow, the letter with its SPTJM.

Workflow of a ``Pengusulan`` (DESIGN §6)::

    draft ──submit (pimpinan, in the window, under quota, checks passing, SPTJM present)──▶ proposed
    proposed ──correct (in the window, with a reason)──▶ proposed (snapshot n+1 replaces n)
    draft | proposed ──withdraw (in the window)──▶ withdrawn

Submitting freezes a ``PengusulanSnapshot`` (``snapshot_build`` + ``snapshot_hash``): what PortalRB
pulls never changes when answers are edited later. Every service is atomic and audited; a refusal
raises before anything is written.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.bukti_dukung.services import bukti_dukung_upload
from apps.core.concurrency import save_or_conflict, version_check
from apps.core.errors import DomainError, PermissionDeniedError, TransitionNotAllowed, WindowClosed
from apps.notifications.services import notify
from apps.pengusulan.deadlines import proposal_closes_on
from apps.pengusulan.eligibility import blocking, eligibility_checks, eligibility_facts
from apps.pengusulan.models import (
    InstansiEligibility,
    Pengusulan,
    PengusulanSnapshot,
    PengusulanStatus,
    Predikat,
    PredikatUnit,
    ProposalDeadline,
    ProposalQuota,
    SuratPengusulan,
    UnitEligibility,
)
from apps.pengusulan.reports import SURAT_PENGUSULAN
from apps.pengusulan.selectors import pengusulan_managers
from apps.pengusulan.snapshot import snapshot_build, snapshot_hash
from apps.pengusulan.workflows import PENGUSULAN
from apps.penilaian.models import Penilaian, PenilaianStatus, Recommendation
from apps.penilaian.selectors import penilaian_unit_team
from apps.penilaian.thresholds import ThresholdReport, final_tpi_report
from apps.reports.services import report_request
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Cycle, Penetapan, UnitKerja

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.reports.models import Report

S = PengusulanStatus

WINDOW_CLOSED = _("The proposal window of this year closed on %(date)s.")
NOT_RECOMMENDED = _("Only a unit the TPI recommended as fit (layak) can be proposed.")
PREDIKAT_NOT_RECOMMENDED = _("The TPI recommended this unit for WBK only.")
PREDIKAT_INVALID = _("Choose WBK or WBBM.")
ALREADY_PROPOSED = _("This unit is already proposed this year.")
NOT_ELIGIBLE = _("The proposal does not meet the requirements: %(items)s.")
DEADLINE_OUTSIDE_YEAR = _("The deadline must fall within that year.")
QUOTA_FULL = _("The quota of %(max)s proposed units for %(tahun)s is reached.")
NO_LETTER = _("Prepare the proposal letter (surat pengusulan) of this year first.")
NO_SPTJM = _("Attach the signed SPTJM or confirm it in the app before submitting.")
WRONG_PASSWORD = _("The password is not correct.")
SPTJM_CONFIRM_REQUIRED = _("Tick the box to confirm the statement.")
REASON_REQUIRED = _("Give the reason for the correction.")
NOT_PROPOSED = _("Only a submitted proposal can be corrected.")
ALREADY_WITHDRAWN = _("This proposal is already withdrawn.")
UNIT_NOT_IN_INSTANSI = _("This unit is not part of the instansi.")
BELOW_THRESHOLD = _(
    "The final TPI tier (%(tier)s, total %(total)s) does not meet every threshold of %(predikat)s: %(failures)s. "
    "Only an afirmasi unit may be proposed below them, with a written reason."
)
AFIRMASI_REASON_REQUIRED = _(
    "The final TPI tier misses these thresholds of %(predikat)s: %(failures)s. Write why this afirmasi unit is "
    "proposed anyway."
)
SUBMITTED_LETTER_LOCKED = _("The letter lists submitted units: its number and date can no longer change.")

SPTJM_TEXT = _(
    "Surat Pernyataan Tanggung Jawab Mutlak (SPTJM). I, %(name)s, head of %(instansi)s, state that the "
    "unit requirements, the evidence of the pengungkit components and the data of the hasil components "
    "of the units proposed in letter %(number)s for %(tahun)s are true. If they are later found untrue, "
    "the proposal may be reviewed."
)


# -----------------------------------------------------------------------------
# helpers
# -----------------------------------------------------------------------------


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


# -----------------------------------------------------------------------------
# Eligibility facts
# -----------------------------------------------------------------------------


@transaction.atomic
def instansi_eligibility_set(
    *,
    actor: Membership,
    cycle: Cycle,
    opini_bpk: str,
    predikat_sakip: str,
    indeks_rb: str,
    maturitas_spip: int,
    evidence_files: Sequence[UploadedFile[bytes]] = (),
    version: int | None = None,
) -> InstansiEligibility:
    """Record (or update) the instansi-level facts of Tabel 5 for the year, adding evidence files.
    ``version``: the one the form was built from (0: none recorded); stale → ``VersionConflict``."""
    _require(actor, Cap.PENGUSULAN_MANAGE)
    _same_instansi(actor, cycle)
    row = InstansiEligibility.objects.select_for_update().filter(instansi_id=actor.instansi_id, cycle=cycle).first()  # type: ignore[misc]  # _require: an instansi role
    version_check(row, version)
    before = None
    if row is None:
        row = InstansiEligibility(instansi_id=actor.instansi_id, cycle=cycle)  # type: ignore[misc]  # _require: an instansi role
    else:
        before = {f: str(getattr(row, f)) for f in ("opini_bpk", "predikat_sakip", "indeks_rb", "maturitas_spip")}
    row.opini_bpk, row.predikat_sakip, row.indeks_rb = opini_bpk, predikat_sakip, indeks_rb
    row.maturitas_spip = maturitas_spip
    row.updated_by = actor.user
    row.full_clean(exclude=["instansi", "cycle", "updated_by"])
    save_or_conflict(row)
    files = _upload_all(actor, evidence_files, f"Syarat pengusulan instansi {cycle.tahun}")
    row.evidence.add(*files)
    audit_record(
        actor=actor.user,
        verb="pengusulan.instansi_eligibility_set",
        obj=row,
        before=before,
        after={
            "opini_bpk": opini_bpk,
            "predikat_sakip": predikat_sakip,
            "indeks_rb": indeks_rb,
            "maturitas_spip": str(maturitas_spip),
            "evidence_added": [f.original_name for f in files],
        },
    )
    return row


@transaction.atomic
def unit_eligibility_set(
    *,
    actor: Membership,
    cycle: Cycle,
    unit: UnitKerja,
    is_core_service: bool,
    has_public_impact: bool,
    tlhp_pct: Decimal,
    lhkpn_pct: Decimal,
    lhkasn_pct: Decimal,
    zi_started_on: datetime.date,
    sakip_internal: str,
    evidence_files: Sequence[UploadedFile[bytes]] = (),
    version: int | None = None,
) -> UnitEligibility:
    """Record (or update) the unit-level facts of Tabel 5 for the year, adding evidence files.
    ``version``: the one the form was built from (0: none recorded); stale → ``VersionConflict``."""
    _require(actor, Cap.PENGUSULAN_MANAGE)
    _same_instansi(actor, cycle)
    if unit.instansi_id != actor.instansi_id:
        raise ValidationError({"unit": ValidationError(UNIT_NOT_IN_INSTANSI, code="unit_foreign")})
    found = (
        UnitEligibility.objects.select_for_update()
        .filter(instansi_id=actor.instansi_id, cycle=cycle, unit=unit)
        .first()
    )
    version_check(found, version)
    row = found or UnitEligibility(instansi_id=actor.instansi_id, cycle=cycle, unit=unit)
    values = {
        "is_core_service": is_core_service,
        "has_public_impact": has_public_impact,
        "tlhp_pct": tlhp_pct,
        "lhkpn_pct": lhkpn_pct,
        "lhkasn_pct": lhkasn_pct,
        "zi_started_on": zi_started_on,
        "sakip_internal": sakip_internal,
    }
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_by = actor.user
    row.full_clean(exclude=["instansi", "cycle", "unit", "updated_by"])
    save_or_conflict(row)
    files = _upload_all(actor, evidence_files, f"Syarat pengusulan {unit.code} {cycle.tahun}")
    row.evidence.add(*files)
    _audit(
        actor,
        "pengusulan.unit_eligibility_set",
        row,
        **{k: str(v) for k, v in values.items()},
        evidence_added=[f.original_name for f in files],
    )
    return row


@transaction.atomic
def predikat_unit_record(
    *,
    instansi: Instansi,
    unit: UnitKerja,
    predikat: str,
    tahun: int,
    decree_number: str,
    decree_date: datetime.date,
    revoked_at: datetime.date | None = None,
    revoked_reason: str = "",
    actor_user: User | None = None,
) -> PredikatUnit:
    """Record a predikat the unit holds (and its revocation, if any). National data: used by the
    demo and tests now, by the national API (TPN/KemenPANRB) later — no instansi page writes it."""
    row = PredikatUnit(
        instansi=instansi,
        unit=unit,
        predikat=predikat,
        tahun=tahun,
        decree_number=decree_number,
        decree_date=decree_date,
        revoked_at=revoked_at,
        revoked_reason=revoked_reason,
    )
    row.full_clean(exclude=["instansi", "unit"])
    row.save()
    audit_record(
        actor=actor_user,
        verb="pengusulan.predikat_record",
        obj=row,
        after={"unit": unit.code, "predikat": predikat, "tahun": tahun, "revoked_at": str(revoked_at or "")},
    )
    return row


# -----------------------------------------------------------------------------
# The proposal
# -----------------------------------------------------------------------------


def _allowed_predikat(penilaian: Penilaian) -> set[str]:
    recommendation = Recommendation.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian).first()
    if penilaian.status != PenilaianStatus.RECOMMENDED or recommendation is None:
        return set()
    if recommendation.decision == Recommendation.Decision.LAYAK_WBBM:
        return {Predikat.WBK, Predikat.WBBM}
    if recommendation.decision == Recommendation.Decision.LAYAK_WBK:
        return {Predikat.WBK}
    return set()


@transaction.atomic
def pengusulan_create(*, actor: Membership, penilaian: Penilaian, predikat: str) -> Pengusulan:
    """Pick a unit the TPI recommended and choose WBK or WBBM (draft). WBBM needs a ``layak_wbbm``
    recommendation; eligibility is shown on the page and enforced on submit."""
    _require(actor, Cap.PENGUSULAN_SUBMIT, Cap.PENGUSULAN_MANAGE)
    _same_instansi(actor, penilaian)
    penilaian = Penilaian.objects.select_for_update(of=("self",)).select_related("cycle", "unit").get(pk=penilaian.pk)
    if predikat not in Predikat.values:
        raise ValidationError({"predikat": ValidationError(PREDIKAT_INVALID, code="invalid")})
    allowed = _allowed_predikat(penilaian)
    if not allowed:
        raise TransitionNotAllowed(NOT_RECOMMENDED)
    if predikat not in allowed:
        raise ValidationError({"predikat": ValidationError(PREDIKAT_NOT_RECOMMENDED, code="not_recommended")})
    _require_window(penilaian.cycle)
    if (
        Pengusulan.objects.filter(instansi_id=actor.instansi_id, cycle=penilaian.cycle, unit=penilaian.unit)  # type: ignore[misc]  # _require: an instansi role
        .exclude(status=S.WITHDRAWN)
        .exists()
    ):
        raise TransitionNotAllowed(ALREADY_PROPOSED)
    penetapan = Penetapan.objects.filter(  # type: ignore[misc]  # _require: an instansi role
        instansi_id=actor.instansi_id, cycle=penilaian.cycle, unit=penilaian.unit
    ).first()
    pengusulan = Pengusulan(  # type: ignore[misc]  # _require: an instansi role
        instansi_id=actor.instansi_id,
        cycle=penilaian.cycle,
        unit=penilaian.unit,
        penilaian=penilaian,
        predikat=predikat,
        afirmasi=bool(penetapan and penetapan.afirmasi_type),
    )
    pengusulan.full_clean(exclude=["instansi", "cycle", "unit", "penilaian"])
    pengusulan.save()
    _audit(actor, "pengusulan.create", pengusulan, unit=penilaian.unit.code, predikat=predikat)
    return pengusulan


def _freeze(*, actor: Membership, pengusulan: Pengusulan, number: int, reason: str = "") -> PengusulanSnapshot:
    data = snapshot_build(penilaian=pengusulan.penilaian, predikat=pengusulan.predikat, afirmasi=pengusulan.afirmasi)
    # The gate as it stood when frozen: every threshold with value and gap, and, when the unit was
    # proposed below them under afirmasi, the failing rules and the written reason (issue 17).
    report = final_tpi_report(penilaian=pengusulan.penilaian, predikat=pengusulan.predikat)
    data["thresholds"] = {
        **report.as_dict(),
        "failing": [c.code for c in report.failures],
        "afirmasi_reason": pengusulan.afirmasi_reason if not report.met else "",
    }
    return PengusulanSnapshot.objects.create(
        instansi_id=pengusulan.instansi_id,
        pengusulan=pengusulan,
        number=number,
        data=data,
        sha256=snapshot_hash(data),
        is_current=True,
        reason=reason,
        created_by=actor.user,
    )


def _check_quota(pengusulan: Pengusulan) -> None:
    quota = ProposalQuota.objects.filter(instansi_id=pengusulan.instansi_id, tahun=pengusulan.cycle.tahun).first()
    if quota is None:
        return
    proposed = (
        Pengusulan.objects.filter(
            instansi_id=pengusulan.instansi_id, cycle__tahun=pengusulan.cycle.tahun, status=S.PROPOSED
        )
        .exclude(pk=pengusulan.pk)
        .count()
    )
    if proposed + 1 > quota.max_units:
        raise DomainError(QUOTA_FULL % {"max": quota.max_units, "tahun": quota.tahun}, code="quota_full")


def _check_eligible(pengusulan: Pengusulan) -> None:
    facts = eligibility_facts(cycle=pengusulan.cycle, unit=pengusulan.unit)
    blocks = blocking(eligibility_checks(facts=facts, predikat=pengusulan.predikat))
    if blocks:
        items = "; ".join(f"{check.label} ({check.value})" for check in blocks)
        raise TransitionNotAllowed(NOT_ELIGIBLE % {"items": items}, code="not_eligible")


def _check_thresholds(pengusulan: Pengusulan, afirmasi_reason: str) -> ThresholdReport:
    """REFERENCE §3.1: the final TPI tier meets every threshold of the predikat; otherwise only an
    afirmasi unit goes on, with the failing rules listed and a written reason (kept on the row and
    frozen in the snapshot)."""
    report = final_tpi_report(penilaian=pengusulan.penilaian, predikat=pengusulan.predikat)
    if report.met:
        return report
    params = {
        "tier": report.tier or "-",
        "total": report.total,
        "predikat": pengusulan.predikat,
        "failures": report.failures_text() or "-",
    }
    if not pengusulan.afirmasi:
        raise TransitionNotAllowed(BELOW_THRESHOLD % params, code="below_threshold")
    if not afirmasi_reason.strip():
        raise ValidationError(
            {"afirmasi_reason": ValidationError(AFIRMASI_REASON_REQUIRED, code="required", params=params)}
        )
    return report


def _letter_for(pengusulan: Pengusulan) -> SuratPengusulan:
    surat = (
        SuratPengusulan.objects.select_for_update()
        .filter(instansi_id=pengusulan.instansi_id, cycle=pengusulan.cycle)
        .first()
    )
    if surat is None:
        raise TransitionNotAllowed(NO_LETTER, code="no_letter")
    if not surat.has_sptjm:
        raise TransitionNotAllowed(NO_SPTJM, code="no_sptjm")
    return surat


def _notify_submitted(actor: Membership, pengusulan: Pengusulan, snapshot: PengusulanSnapshot) -> None:
    recipients = {u.pk: u for u in [*pengusulan_managers(instansi=pengusulan.instansi)]}
    recipients.update({u.pk: u for u in penilaian_unit_team(penilaian=pengusulan.penilaian)})
    recipients.pop(actor.user_id, None)
    link = reverse("pengusulan:pengusulan-detail", kwargs={"public_id": pengusulan.public_id})
    for user in recipients.values():
        notify(
            instansi=pengusulan.instansi,
            recipient=user,
            kind="pengusulan_submitted",
            key=f"pengusulan-submitted:{pengusulan.public_id}:{snapshot.number}",
            template="pengusulan-submitted",
            context={
                "unit_name": pengusulan.unit.name,
                "tahun": pengusulan.cycle.tahun,
                "kategori": pengusulan.kategori,
                "number": snapshot.number,
                "sha256": snapshot.sha256,
            },
            link=link,
        )


@transaction.atomic
def pengusulan_submit(*, actor: Membership, pengusulan: Pengusulan, afirmasi_reason: str = "") -> Pengusulan:
    """The pimpinan instansi submits the proposal: inside the window, under the quota, every
    blocking check passing, the year's letter with its SPTJM present. Freezes snapshot 1 and
    lists the unit in the letter. Submitting an already proposed unit again changes nothing."""
    _same_instansi(actor, pengusulan)
    pengusulan = _lock(pengusulan)
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
    _require(actor, Cap.PENGUSULAN_SUBMIT)
    _same_instansi(actor, pengusulan)
    if not reason.strip():
        raise ValidationError({"reason": ValidationError(REASON_REQUIRED, code="required")})
    pengusulan = _lock(pengusulan)
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
    pengusulan = _lock(pengusulan)
    PENGUSULAN.check(state=pengusulan.status, action="withdraw", actor=actor, message=ALREADY_WITHDRAWN)
    _require_window(pengusulan.cycle)
    PENGUSULAN.apply(obj=pengusulan, action="withdraw", actor=actor, fields={"version": pengusulan.version + 1})
    surat = SuratPengusulan.objects.filter(instansi_id=pengusulan.instansi_id, cycle=pengusulan.cycle).first()
    if surat is not None:
        surat.items.remove(pengusulan)
    return pengusulan


# -----------------------------------------------------------------------------
# The letter and its SPTJM
# -----------------------------------------------------------------------------


@transaction.atomic
def surat_pengusulan_save(
    *,
    actor: Membership,
    cycle: Cycle,
    number: str,
    date: datetime.date,
    sptjm_file: UploadedFile[bytes] | None = None,
    version: int | None = None,
) -> SuratPengusulan:
    """Prepare (or update) the year's letter: number, date and, optionally, the signed SPTJM scan.
    ``version``: the one the form was built from (0: no letter yet); stale → ``VersionConflict``."""
    _require(actor, Cap.PENGUSULAN_SUBMIT, Cap.PENGUSULAN_MANAGE)
    _same_instansi(actor, cycle)
    _require_window(cycle)
    surat = SuratPengusulan.objects.select_for_update().filter(instansi_id=actor.instansi_id, cycle=cycle).first()  # type: ignore[misc]  # _require: an instansi role
    version_check(surat, version)
    if surat is None:
        surat = SuratPengusulan(instansi_id=actor.instansi_id, cycle=cycle, created_by=actor.user)  # type: ignore[misc]  # _require: an instansi role
    elif surat.pk and surat.items.exists() and (surat.number != number.strip() or surat.date != date):
        raise ValidationError({"number": ValidationError(SUBMITTED_LETTER_LOCKED, code="locked")})
    surat.number = number.strip()
    surat.date = date
    surat.full_clean(exclude=["instansi", "cycle", "created_by", "sptjm_file", "report", "sptjm_signed_by"])
    if sptjm_file is not None:
        surat.sptjm_file = bukti_dukung_upload(actor=actor, file=sptjm_file, description=f"SPTJM {cycle.tahun}")
    save_or_conflict(surat)
    _audit(
        actor,
        "pengusulan.surat_save",
        surat,
        number=surat.number,
        date=str(date),
        sptjm_file=surat.sptjm_file.original_name if surat.sptjm_file_id else "",  # type: ignore[union-attr]  # the id is set
    )
    return surat


def sptjm_text(*, surat: SuratPengusulan, signer: User) -> str:
    """The exact statement the pimpinan confirms (its SHA-256 is stored)."""
    return str(SPTJM_TEXT) % {
        "name": signer.name or signer.email,
        "instansi": surat.instansi.name,
        "number": surat.number,
        "tahun": surat.cycle.tahun,
    }


@transaction.atomic
def surat_sptjm_sign(*, actor: Membership, surat: SuratPengusulan, password: str, confirm: bool) -> SuratPengusulan:
    """The pimpinan instansi confirms the SPTJM in the app with their password: the text, its
    SHA-256, who and when are recorded."""
    _require(actor, Cap.PENGUSULAN_SUBMIT)
    _same_instansi(actor, surat)
    if not confirm:
        raise ValidationError({"confirm": ValidationError(SPTJM_CONFIRM_REQUIRED, code="required")})
    if not password or not actor.user.check_password(password):
        raise ValidationError({"password": ValidationError(WRONG_PASSWORD, code="wrong_password")})
    surat = SuratPengusulan.objects.select_for_update().select_related("cycle", "instansi").get(pk=surat.pk)
    _require_window(surat.cycle)
    text = sptjm_text(surat=surat, signer=actor.user)
    surat.sptjm_text = text
    surat.sptjm_sha256 = hashlib.sha256(text.encode()).hexdigest()
    surat.sptjm_signed_by = actor.user
    surat.sptjm_signed_at = timezone.now()
    surat.save(update_fields=["sptjm_text", "sptjm_sha256", "sptjm_signed_by", "sptjm_signed_at", "updated_at"])
    _audit(actor, "pengusulan.sptjm_sign", surat, sha256=surat.sptjm_sha256)
    return surat


@transaction.atomic
def surat_pdf_request(*, actor: Membership, surat: SuratPengusulan) -> Report:
    """Queue the letter's PDF (report kind ``surat_pengusulan``) and remember it on the letter."""
    _require(actor, Cap.PENGUSULAN_VIEW)
    _same_instansi(actor, surat)
    report = report_request(actor=actor, kind=SURAT_PENGUSULAN, params={"surat": str(surat.public_id)})
    surat.report = report
    surat.save(update_fields=["report", "updated_at"])
    return report


@transaction.atomic
def proposal_deadline_set(*, actor: Membership, tahun: int, closes_on: datetime.date) -> ProposalDeadline:
    """TPN sets the year's proposal deadline for every instansi (a national decision,
    ``Cap.TPN_DECIDE``). It must fall in the year; it overrides each instansi's own date."""
    if not actor.is_national or not actor.can(Cap.TPN_DECIDE):
        raise PermissionDeniedError
    if closes_on.year != tahun:
        raise ValidationError({"closes_on": ValidationError(DEADLINE_OUTSIDE_YEAR, code="outside_year")})
    deadline, _created = ProposalDeadline.objects.update_or_create(
        tahun=tahun, defaults={"closes_on": closes_on, "set_by": actor.user}
    )
    return deadline
