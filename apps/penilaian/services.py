"""Penilaian workflow and answers (DESIGN §6, LKE issue).

Every write is a service: it checks the capability, the status and the year's date window, takes a
row lock, writes, and records an audit event. The unit and each TPI tier keep their own answers.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError, TransitionNotAllowed, WindowClosed
from apps.lke.models import Soal
from apps.lke.scoring import AnswerError, contradictions, normalise_answer
from apps.lke.selectors import lke_template_latest
from apps.penilaian.models import (
    AreaAssignment,
    ItemReturn,
    Jawaban,
    Penilaian,
    PenilaianStatus,
    Recommendation,
    ReturnStatus,
    Tier,
    TPIAssignment,
    TPITier,
)
from apps.penilaian.selectors import penilaian_spec, tpi_levels
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Cycle, PenetapanStatus

S = PenilaianStatus

NO_TEMPLATE = _("No LKE template has been imported yet.")
NOT_YOUR_UNIT = _("This penilaian belongs to a unit outside your own.")
STATUS_LOCKED_UNIT = _("After submission the unit edits only the items returned for revision.")
STATUS_CLOSED = _("The TPI review is closed: the LKE is read-only.")
NOT_RETURNED = _("This item was not returned for revision.")
AREA_ASSIGNED_TO_OTHERS = _("This area is assigned to other members of the tim kerja.")
FILL_WINDOW_CLOSED = _("The self-assessment window of this year is closed.")
REVISION_WINDOW_CLOSED = _("The revision window of this year is closed.")
REVIEW_WINDOW_CLOSED = _("The TPI review window of this year is closed.")
NOT_ASSIGNED = _("You are not assigned to review this unit at the current tier.")
CONTRADICTION = _("This number contradicts another answer (%(code)s): more completed or filed than obliged.")
STALE_VERSION = _("Someone else saved this answer meanwhile. Your text is kept below; check theirs and save again.")
RETURNS_PENDING = _("Items returned for revision are still pending.")
NOTHING_RETURNED = _("Return at least one item before sending the LKE back.")
UNANSWERED = _("%(count)s soal are not answered at this tier yet.")
TIERS_INVALID = _("Between one and three TPI tiers, each with a name.")
TIER_UNKNOWN = _("This TPI tier does not exist.")
REVIEWER_NOT_TPI = _("The reviewer must be a TPI member of this instansi.")
ASSIGNMENT_DUPLICATE = _("This reviewer is already assigned to this unit at this tier.")


def _today() -> datetime.date:
    return timezone.localdate()


def _in(start: datetime.date, end: datetime.date) -> bool:
    return start <= _today() <= end


def _require(actor: Membership, capability: str) -> None:
    if not actor.can(capability):
        raise PermissionDeniedError


def _require_reach(actor: Membership, penilaian: Penilaian) -> None:
    if actor.instansi_id != penilaian.instansi_id:
        raise PermissionDeniedError
    if actor.is_unit_narrowed and actor.unit is not None and not penilaian.unit.path.startswith(actor.unit.path):
        raise PermissionDeniedError(NOT_YOUR_UNIT)


def _lock(penilaian: Penilaian) -> Penilaian:
    return Penilaian.objects.select_for_update().select_related("unit", "cycle").get(pk=penilaian.pk)


def _audit(actor: Membership | None, verb: str, obj: Any, **changes: Any) -> None:
    audit_record(actor=actor.user if actor else None, verb=verb, obj=obj, after=changes or None)


# -----------------------------------------------------------------------------
# Set-up: open the year's penilaian, TPI tiers and assignments
# -----------------------------------------------------------------------------


@transaction.atomic
def penilaian_open(*, actor: Membership, cycle: Cycle) -> list[Penilaian]:
    """Open the year's penilaian for every designated unit that has none yet (idempotent)."""
    _require(actor, Cap.PENILAIAN_MANAGE)
    if cycle.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    template = lke_template_latest(tahun=cycle.tahun) or lke_template_latest()
    if template is None:
        raise DomainError(NO_TEMPLATE, code="no_template")
    from apps.unit_kerja.models import Penetapan

    designated = Penetapan.objects.filter(
        instansi_id=actor.instansi_id, cycle=cycle, status=PenetapanStatus.DESIGNATED
    ).select_related("unit")
    existing = set(
        Penilaian.objects.filter(instansi_id=actor.instansi_id, cycle=cycle).values_list("unit_id", flat=True)
    )
    created = []
    for penetapan in designated:
        if penetapan.unit_id in existing:
            continue
        penilaian = Penilaian.objects.create(
            instansi_id=actor.instansi_id, unit=penetapan.unit, cycle=cycle, template=template
        )
        _audit(actor, "penilaian.open", penilaian, unit=penetapan.unit.code, tahun=cycle.tahun, template=str(template))
        created.append(penilaian)
    return created


@transaction.atomic
def tpi_tiers_set(*, actor: Membership, names: list[str]) -> list[TPITier]:
    """Set the instansi's TPI tiers (1 to 3), e.g. ["Anggota tim", "Ketua tim", "Pengendali teknis"]."""
    _require(actor, Cap.PENILAIAN_MANAGE)
    cleaned = [name.strip() for name in names if name and name.strip()]
    if not 1 <= len(cleaned) <= 3:
        raise ValidationError({"names": ValidationError(TIERS_INVALID, code="tiers_invalid")})
    before = {t.level: t.name for t in TPITier.objects.filter(instansi_id=actor.instansi_id)}
    TPITier.objects.filter(instansi_id=actor.instansi_id, level__gt=len(cleaned)).delete()
    tiers = []
    for level, name in enumerate(cleaned, start=1):
        tier, _created = TPITier.objects.update_or_create(
            instansi_id=actor.instansi_id, level=level, defaults={"name": name}
        )
        tiers.append(tier)
    audit_record(
        actor=actor.user,
        verb="tpi.tiers_set",
        obj=actor.instansi,
        before={str(k): v for k, v in before.items()},
        after={str(t.level): t.name for t in tiers},
    )
    return tiers


@transaction.atomic
def tpi_assign(*, actor: Membership, cycle: Cycle, unit: Any, reviewer: Membership, level: int) -> TPIAssignment:
    """Assign a TPI member to review a unit at a tier for a year."""
    _require(actor, Cap.PENILAIAN_MANAGE)
    if reviewer.instansi_id != actor.instansi_id or not reviewer.can(Cap.PENILAIAN_REVIEW):
        raise ValidationError({"reviewer": ValidationError(REVIEWER_NOT_TPI, code="not_tpi")})
    if not TPITier.objects.filter(instansi_id=actor.instansi_id, level=level).exists() and level != 1:
        raise ValidationError({"level": ValidationError(TIER_UNKNOWN, code="tier_unknown")})
    if unit.instansi_id != actor.instansi_id or cycle.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    try:
        with transaction.atomic():
            assignment = TPIAssignment.objects.create(
                instansi_id=actor.instansi_id, cycle=cycle, unit=unit, reviewer=reviewer.user, level=level
            )
    except IntegrityError as exc:
        raise ValidationError({"reviewer": ValidationError(ASSIGNMENT_DUPLICATE, code="duplicate")}) from exc
    _audit(actor, "tpi.assign", assignment, reviewer=reviewer.user.email, unit=unit.code, level=level)
    return assignment


@transaction.atomic
def tpi_unassign(*, actor: Membership, assignment: TPIAssignment) -> None:
    _require(actor, Cap.PENILAIAN_MANAGE)
    _audit(actor, "tpi.unassign", assignment, reviewer=assignment.reviewer.email, level=assignment.level)
    assignment.delete()


@transaction.atomic
def area_assign(*, actor: Membership, penilaian: Penilaian, area: int, assignee: Membership) -> AreaAssignment:
    """Give a pokja member responsibility for one area (1–6) or the hasil part (7)."""
    _require(actor, Cap.PENILAIAN_FILL)
    _require_reach(actor, penilaian)
    if assignee.instansi_id != actor.instansi_id or not assignee.can(Cap.PENILAIAN_FILL):
        raise ValidationError({"assignee": ValidationError(NOT_YOUR_UNIT, code="not_fill")})
    assignment, _created = AreaAssignment.objects.get_or_create(
        instansi_id=actor.instansi_id, penilaian=penilaian, area=area, assignee=assignee.user
    )
    _audit(actor, "penilaian.area_assign", penilaian, area=area, assignee=assignee.user.email)
    return assignment


# -----------------------------------------------------------------------------
# Answers
# -----------------------------------------------------------------------------


def soal_area(soal: Soal) -> int:
    """The area perubahan (1–6) of a soal, or 7 for the hasil part."""
    return soal.node.area or 7


def _normalise(penilaian: Penilaian, soal: Soal, raw: str | None) -> str | None:
    spec = penilaian_spec(penilaian)
    soal_spec = spec.soal_by_id()[soal.portalrb_soal_id]
    try:
        return normalise_answer(soal_spec, raw)
    except AnswerError as exc:
        raise ValidationError({"answer": ValidationError(str(exc), code=exc.code)}) from exc


def _check_contradictions(penilaian: Penilaian, soal: Soal, answer: str | None, tier: str, level: int) -> None:
    if answer is None or not soal.is_input:
        return
    spec = penilaian_spec(penilaian)
    current = dict(
        Jawaban.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian, tier=tier, level=level)
        .exclude(answer=None)
        .values_list("soal__portalrb_soal_id", "answer")
    )
    current[soal.portalrb_soal_id] = answer
    involved = {soal.portalrb_soal_id}
    for item in spec.derived():
        formula = item.formula
        ids = [*formula.get("numerator", []), *formula.get("denominator", [])]
        if soal.portalrb_soal_id in ids:
            involved.update(ids)
    for _soal_id, code in contradictions(spec, current):
        item = next(d for d in spec.derived() if d.code == code)
        if involved & {*item.formula.get("numerator", []), *item.formula.get("denominator", [])}:
            raise ValidationError(
                {"answer": ValidationError(CONTRADICTION, code="contradiction", params={"code": code})}
            )


def _save_row(
    *,
    actor: Membership,
    penilaian: Penilaian,
    soal: Soal,
    tier: str,
    level: int,
    answer: str | None,
    note: str,
    evidence_link: str | None,
    version: int,
) -> tuple[Jawaban, dict[str, Any]]:
    row = (
        Jawaban.objects.select_for_update()
        .filter(instansi_id=penilaian.instansi_id, penilaian=penilaian, soal=soal, tier=tier, level=level)
        .first()
    )
    current_version = row.version if row else 0
    if version != current_version:
        raise ConflictError(STALE_VERSION)
    before = {"answer": row.answer, "note": row.note, "evidence_link": row.evidence_link} if row else {}
    if row is None:
        row = Jawaban(
            instansi_id=penilaian.instansi_id, penilaian=penilaian, soal=soal, tier=tier, level=level, version=0
        )
    row.answer = answer
    row.note = note.strip()
    if evidence_link is not None:
        row.evidence_link = evidence_link.strip()
    row.version = current_version + 1
    row.updated_by = actor.user
    row.full_clean(exclude=["penilaian", "soal", "instansi"])
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:  # a concurrent first save of the same answer
        raise ConflictError(STALE_VERSION) from exc
    return row, before


@transaction.atomic
def jawaban_save(
    *,
    actor: Membership,
    penilaian: Penilaian,
    soal: Soal,
    answer: str | None,
    note: str = "",
    evidence_link: str | None = None,
    version: int,
) -> Jawaban:
    """Save the unit's answer to one soal (tim kerja / pimpinan unit).

    Draft: inside the self-assessment window. Revision: only items returned for revision, inside
    the revision window (the return becomes "waiting for re-check" and the revision counter goes
    up). Anything else is refused. ``version`` is the version the person loaded (0 for a new
    answer); a stale one raises ConflictError and changes nothing.
    """
    _require(actor, Cap.PENILAIAN_FILL)
    _require_reach(actor, penilaian)
    penilaian = _lock(penilaian)
    if soal.template_id != penilaian.template_id:
        raise ValidationError({"soal": ValidationError(NOT_RETURNED, code="soal_foreign")})
    open_return = None
    if penilaian.status == S.DRAFT:
        if not _in(penilaian.cycle.fill_start, penilaian.cycle.fill_end):
            raise WindowClosed(FILL_WINDOW_CLOSED)
    elif penilaian.status == S.REVISION:
        open_return = (
            ItemReturn.objects.select_for_update()
            .filter(instansi_id=penilaian.instansi_id, penilaian=penilaian, soal=soal)
            .exclude(status=ReturnStatus.ACCEPTED)
            .first()
        )
        if open_return is None:
            raise TransitionNotAllowed(NOT_RETURNED)
        if not _in(penilaian.cycle.revision_start, penilaian.cycle.revision_end):
            raise WindowClosed(REVISION_WINDOW_CLOSED)
    elif penilaian.status in {S.CLOSED, S.RECOMMENDED, S.NOT_RECOMMENDED}:
        raise TransitionNotAllowed(STATUS_CLOSED)
    else:
        raise TransitionNotAllowed(STATUS_LOCKED_UNIT)
    area = soal_area(soal)
    assignees = set(
        AreaAssignment.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian, area=area).values_list(
            "assignee_id", flat=True
        )
    )
    if (
        assignees
        and actor.user_id not in assignees
        and not actor.can(Cap.PENILAIAN_MANAGE)
        and actor.role == "tim_kerja"
    ):
        raise PermissionDeniedError(AREA_ASSIGNED_TO_OTHERS)
    normalised = _normalise(penilaian, soal, answer)
    _check_contradictions(penilaian, soal, normalised, Tier.UNIT, 0)
    row, before = _save_row(
        actor=actor,
        penilaian=penilaian,
        soal=soal,
        tier=Tier.UNIT,
        level=0,
        answer=normalised,
        note=note,
        evidence_link=evidence_link,
        version=version,
    )
    if open_return is not None and open_return.status == ReturnStatus.OPEN:
        open_return.status = ReturnStatus.FIXED
        open_return.save(update_fields=["status", "updated_at"])
        Jawaban.objects.filter(pk=row.pk).update(revision_count=row.revision_count + 1)
        row.revision_count += 1
    audit_record(
        actor=actor.user,
        verb="jawaban.save",
        obj=penilaian,
        before={"soal": soal.portalrb_soal_id, **before} if before else None,
        after={
            "soal": soal.portalrb_soal_id,
            "answer": row.answer,
            "note": row.note,
            "evidence_link": row.evidence_link,
        },
    )
    return row


@transaction.atomic
def jawaban_review_save(
    *, actor: Membership, penilaian: Penilaian, soal: Soal, answer: str | None, note: str = "", version: int
) -> Jawaban:
    """Save a TPI tier's answer and note to one soal, at the penilaian's current tier, by a reviewer
    assigned to the unit at that tier, inside the review period (review opens → proposal deadline)."""
    _require(actor, Cap.PENILAIAN_REVIEW)
    _require_reach(actor, penilaian)
    penilaian = _lock(penilaian)
    if penilaian.status in {S.CLOSED, S.RECOMMENDED, S.NOT_RECOMMENDED}:
        raise TransitionNotAllowed(STATUS_CLOSED)
    if penilaian.status != S.IN_REVIEW:
        raise TransitionNotAllowed()
    _require_assigned(actor, penilaian)
    if not _in(penilaian.cycle.review_start, penilaian.cycle.proposal_end):
        raise WindowClosed(REVIEW_WINDOW_CLOSED)
    normalised = _normalise(penilaian, soal, answer)
    _check_contradictions(penilaian, soal, normalised, Tier.TPI, penilaian.current_level)
    row, before = _save_row(
        actor=actor,
        penilaian=penilaian,
        soal=soal,
        tier=Tier.TPI,
        level=penilaian.current_level,
        answer=normalised,
        note=note,
        evidence_link=None,
        version=version,
    )
    audit_record(
        actor=actor.user,
        verb="jawaban.review_save",
        obj=penilaian,
        before={"soal": soal.portalrb_soal_id, **before} if before else None,
        after={"soal": soal.portalrb_soal_id, "level": penilaian.current_level, "answer": row.answer, "note": row.note},
    )
    return row


def _require_assigned(actor: Membership, penilaian: Penilaian) -> None:
    assigned = TPIAssignment.objects.filter(
        instansi_id=penilaian.instansi_id,
        cycle_id=penilaian.cycle_id,
        unit_id=penilaian.unit_id,
        reviewer=actor.user,
        level=penilaian.current_level,
    ).exists()
    if not assigned:
        raise PermissionDeniedError(NOT_ASSIGNED)


# -----------------------------------------------------------------------------
# Workflow
# -----------------------------------------------------------------------------


def _transition(actor: Membership, penilaian: Penilaian, verb: str, to: str, **fields: Any) -> Penilaian:
    before = {"status": penilaian.status, "level": penilaian.current_level}
    penilaian.status = to
    for name, value in fields.items():
        setattr(penilaian, name, value)
    penilaian.save(update_fields=["status", *fields, "updated_at"])
    audit_record(
        actor=actor.user,
        verb=verb,
        obj=penilaian,
        before=before,
        after={"status": penilaian.status, "level": penilaian.current_level},
    )
    return penilaian


@transaction.atomic
def penilaian_submit(*, actor: Membership, penilaian: Penilaian) -> Penilaian:
    """The unit submits its self-assessment to the TPI (draft → in review, tier 1), inside the
    self-assessment window; or re-submits after fixing the returned items (revision → in review)."""
    _require(actor, Cap.PENILAIAN_FILL)
    _require_reach(actor, penilaian)
    penilaian = _lock(penilaian)
    if penilaian.status == S.DRAFT:
        if not _in(penilaian.cycle.fill_start, penilaian.cycle.fill_end):
            raise WindowClosed(FILL_WINDOW_CLOSED)
        return _transition(
            actor, penilaian, "penilaian.submit", S.IN_REVIEW, current_level=1, submitted_at=timezone.now()
        )
    if penilaian.status == S.REVISION:
        if ItemReturn.objects.filter(penilaian=penilaian, status=ReturnStatus.OPEN).exists():
            raise TransitionNotAllowed(RETURNS_PENDING)
        return _transition(actor, penilaian, "penilaian.resubmit", S.IN_REVIEW)
    raise TransitionNotAllowed()


@transaction.atomic
def item_return(*, actor: Membership, penilaian: Penilaian, soal: Soal, note: str) -> ItemReturn:
    """A reviewer at the current tier returns one soal to the unit with what to fix."""
    _require(actor, Cap.PENILAIAN_REVIEW)
    _require_reach(actor, penilaian)
    penilaian = _lock(penilaian)
    if penilaian.status != S.IN_REVIEW:
        raise TransitionNotAllowed()
    _require_assigned(actor, penilaian)
    if not note.strip():
        raise ValidationError({"note": ValidationError(_("Say what the unit must fix."), code="required")})
    existing = (
        ItemReturn.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian, soal=soal)
        .exclude(status=ReturnStatus.ACCEPTED)
        .first()
    )
    if existing is not None:
        existing.note = note.strip()
        existing.status = ReturnStatus.OPEN
        existing.level = penilaian.current_level
        existing.save(update_fields=["note", "status", "level", "updated_at"])
        item = existing
    else:
        item = ItemReturn.objects.create(
            instansi_id=penilaian.instansi_id,
            penilaian=penilaian,
            soal=soal,
            level=penilaian.current_level,
            note=note.strip(),
            returned_by=actor.user,
        )
    _audit(actor, "penilaian.item_return", penilaian, soal=soal.portalrb_soal_id, note=item.note)
    return item


@transaction.atomic
def item_return_accept(*, actor: Membership, item: ItemReturn) -> ItemReturn:
    """The reviewer re-checked a fixed item and accepts it."""
    _require(actor, Cap.PENILAIAN_REVIEW)
    penilaian = _lock(item.penilaian)
    _require_reach(actor, penilaian)
    if penilaian.status != S.IN_REVIEW:
        raise TransitionNotAllowed()
    _require_assigned(actor, penilaian)
    if item.status != ReturnStatus.FIXED:
        raise TransitionNotAllowed()
    item.status = ReturnStatus.ACCEPTED
    item.resolved_at = timezone.now()
    item.save(update_fields=["status", "resolved_at", "updated_at"])
    _audit(actor, "penilaian.item_accept", penilaian, soal=item.soal.portalrb_soal_id)
    return item


@transaction.atomic
def penilaian_send_back(*, actor: Membership, penilaian: Penilaian) -> Penilaian:
    """Send the LKE back to the unit with the returned items (in review → revision)."""
    _require(actor, Cap.PENILAIAN_REVIEW)
    _require_reach(actor, penilaian)
    penilaian = _lock(penilaian)
    if penilaian.status != S.IN_REVIEW:
        raise TransitionNotAllowed()
    _require_assigned(actor, penilaian)
    if not ItemReturn.objects.filter(penilaian=penilaian, status=ReturnStatus.OPEN).exists():
        raise TransitionNotAllowed(NOTHING_RETURNED)
    return _transition(actor, penilaian, "penilaian.send_back", S.REVISION)


@transaction.atomic
def penilaian_tier_complete(*, actor: Membership, penilaian: Penilaian) -> Penilaian:
    """The current tier has answered every soal and nothing is pending: hand over to the next tier,
    or — at the last tier — close the review (everything becomes read-only)."""
    _require(actor, Cap.PENILAIAN_REVIEW)
    _require_reach(actor, penilaian)
    penilaian = _lock(penilaian)
    if penilaian.status != S.IN_REVIEW:
        raise TransitionNotAllowed()
    _require_assigned(actor, penilaian)
    if not _in(penilaian.cycle.review_start, penilaian.cycle.proposal_end):
        raise WindowClosed(REVIEW_WINDOW_CLOSED)
    if ItemReturn.objects.filter(penilaian=penilaian, status__in=[ReturnStatus.OPEN, ReturnStatus.FIXED]).exists():
        raise TransitionNotAllowed(RETURNS_PENDING)
    answered = Jawaban.objects.filter(
        penilaian=penilaian, tier=Tier.TPI, level=penilaian.current_level, answer__isnull=False
    ).count()
    missing = Soal.objects.filter(template_id=penilaian.template_id).count() - answered
    if missing > 0:
        raise TransitionNotAllowed(UNANSWERED % {"count": missing})
    if penilaian.current_level >= tpi_levels(instansi_id=penilaian.instansi_id):
        return _transition(actor, penilaian, "penilaian.close", S.CLOSED, closed_at=timezone.now())
    return _transition(
        actor, penilaian, "penilaian.tier_complete", S.IN_REVIEW, current_level=penilaian.current_level + 1
    )


@transaction.atomic
def penilaian_recommend(*, actor: Membership, penilaian: Penilaian, decision: str, reasons: str) -> Recommendation:
    """The TPI records its recommendation to the pimpinan instansi after the review is closed."""
    _require(actor, Cap.PENILAIAN_REVIEW)
    _require_reach(actor, penilaian)
    penilaian = _lock(penilaian)
    if penilaian.status != S.CLOSED:
        raise TransitionNotAllowed()
    if not TPIAssignment.objects.filter(
        instansi_id=penilaian.instansi_id, cycle_id=penilaian.cycle_id, unit_id=penilaian.unit_id, reviewer=actor.user
    ).exists():
        raise PermissionDeniedError(NOT_ASSIGNED)
    if decision not in Recommendation.Decision.values:
        raise ValidationError({"decision": ValidationError(_("Choose a recommendation."), code="invalid")})
    if not reasons.strip():
        raise ValidationError(
            {"reasons": ValidationError(_("Give the reasons for the recommendation."), code="required")}
        )
    recommendation = Recommendation.objects.create(
        instansi_id=penilaian.instansi_id,
        penilaian=penilaian,
        decision=decision,
        reasons=reasons.strip(),
        decided_by=actor.user,
    )
    to = S.NOT_RECOMMENDED if decision == Recommendation.Decision.BELUM_LAYAK else S.RECOMMENDED
    _transition(actor, penilaian, "penilaian.recommend", to)
    return recommendation
