"""Penilaian workflow and answers (DESIGN §6, LKE issue).

Every write is a service: it checks the capability, the status and the year's date window, takes a
row lock, writes, and records an audit event. The unit and each TPI tier keep their own answers.

Workflow steps notify the people who must act next (in the app and by email), each with an
idempotency key per event, so a retried request never notifies twice:

* submit / resubmit → the reviewers assigned at the current tier;
* send back → the unit's tim kerja and pimpinan unit (Cap.PENILAIAN_FILL over the unit);
* hand-over to the next tier → that tier's reviewers;
* review closed, recommendation recorded → the unit and the admin ZI (Cap.PENILAIAN_MANAGE).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.core.concurrency import VERSION_CONFLICT, VersionConflict
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError, TransitionNotAllowed, WindowClosed
from apps.lke.models import Soal
from apps.lke.scoring import AnswerError, contradictions, normalise_answer
from apps.lke.selectors import lke_template_latest
from apps.notifications.services import notify
from apps.penilaian.models import (
    AreaAssignment,
    ItemReturn,
    ItemReturnEvent,
    Jawaban,
    Penilaian,
    PenilaianStatus,
    Recommendation,
    ReturnStatus,
    Tier,
    TPIAssignment,
    TPITier,
)
from apps.penilaian.selectors import (
    penilaian_managers,
    penilaian_reviewers,
    penilaian_spec,
    penilaian_unit_team,
    tier_below,
    tpi_levels,
)
from apps.penilaian.workflows import PENILAIAN
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap, Role
from apps.unit_kerja.models import Cycle, PenetapanStatus

if TYPE_CHECKING:
    from apps.accounts.models import User

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
TIERS_IN_USE = _("A penilaian is being reviewed at a tier you are removing. Finish that tier first, or keep the tiers.")
SOAL_FOREIGN = _("This soal is not part of this LKE.")
AREA_UNKNOWN = _("Choose an area from 1 to 6, or 7 for the hasil part.")
RETURN_NOTE_REQUIRED = _("Say what the unit must fix.")
NOT_WAITING = _("This item is not waiting for a re-check.")
DECISION_INVALID = _("Choose a recommendation.")
REASONS_REQUIRED = _("Give the reasons for the recommendation.")
INCOMPLETE_REASON_REQUIRED = _(
    "%(missing)s of %(total)s soal are not answered. Answer them, or write why the LKE is submitted incomplete."
)
THRESHOLD_REASON_REQUIRED = _(
    "The final tier does not meet every threshold of %(predikat)s: %(failures)s. Write why the unit is fit "
    "(layak) anyway; the LHE prints it."
)
NOTHING_UNANSWERED = _("Every soal is answered by the unit: there is nothing to return.")
RETURN_UNANSWERED_NOTE = _("Not answered yet: answer this item and attach its evidence.")
READ_ONLY_MEMBER = _("You can read this LKE but not change it.")


def _today() -> datetime.date:
    return timezone.localdate()


def _in(start: datetime.date, end: datetime.date) -> bool:
    return start <= _today() <= end


def _require(actor: Membership, capability: str) -> None:
    if not actor.can(capability):
        raise PermissionDeniedError


def pokja_allows(actor: Membership, penilaian: Penilaian, area: int | None) -> bool:
    """The unit's tim kerja ZI lets a member lacking Cap.PENILAIAN_FILL fill the answers of their
    pokja area(s) (``area`` None: any of them). See ``apps.pendampingan.permissions``."""
    from apps.pendampingan.permissions import pokja_areas

    areas = pokja_areas(actor=actor, unit=penilaian.unit, cycle=penilaian.cycle)
    return bool(areas) and (area is None or area in areas)


def _require_reach(actor: Membership, penilaian: Penilaian) -> None:
    if actor.instansi_id != penilaian.instansi_id:
        raise PermissionDeniedError
    if actor.is_unit_narrowed and actor.unit is not None and not penilaian.unit.path.startswith(actor.unit.path):
        raise PermissionDeniedError(NOT_YOUR_UNIT)


def _lock(penilaian: Penilaian) -> Penilaian:
    # of=("self",): lock only the penilaian row, not the unit/cycle rows joined for reading.
    return (
        Penilaian.objects.select_for_update(of=("self",))
        .select_related("unit", "cycle", "instansi")
        .get(pk=penilaian.pk)
    )


def _audit(actor: Membership | None, verb: str, obj: Any, **changes: Any) -> None:
    audit_record(actor=actor.user if actor else None, verb=verb, obj=obj, after=changes or None)


def _review_link(penilaian: Penilaian) -> str:
    return reverse("penilaian:review-summary", kwargs={"public_id": penilaian.public_id})


def _worksheet_link(penilaian: Penilaian) -> str:
    # The unit's worksheet lives in the worksheet pages; without them the message carries no link.
    try:
        return reverse("penilaian:worksheet", kwargs={"public_id": penilaian.public_id})
    except NoReverseMatch:
        return ""


def _notify(
    *,
    actor: Membership,
    penilaian: Penilaian,
    recipients: Iterable[User],
    event: str,
    key: str,
    link: str,
    **context: Any,
) -> None:
    """One notification per recipient (never the actor themself), keyed ``penilaian-<event>:<id>:<key>``.

    The key names the event *occurrence* (a round, a tier), so the same step run twice notifies
    once, and the next round notifies again.
    """
    seen: set[int] = {actor.user_id}
    for user in recipients:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        notify(
            instansi=penilaian.instansi,
            recipient=user,
            kind=f"penilaian_{event}",
            key=f"penilaian-{event}:{penilaian.public_id}:{key}",
            template="penilaian-review",
            context={
                "event": event,
                "unit_name": penilaian.unit.name,
                "tahun": penilaian.cycle.tahun,
                "actor_name": str(actor.user),
                **context,
            },
            link=link,
        )


def _record_return_step(
    *, item: ItemReturn, kind: str, actor: Membership, level: int, note: str = ""
) -> ItemReturnEvent:
    return ItemReturnEvent.objects.create(
        instansi_id=item.instansi_id, item=item, kind=kind, level=level, note=note, actor=actor.user
    )


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
def tpi_tiers_digest(*, instansi_id: int) -> str:
    """A short digest of the instansi's tier names: the "version" the tiers form was built from."""
    names = TPITier.objects.filter(instansi_id=instansi_id).order_by("level").values_list("name", flat=True)
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]


def tpi_tiers_set(*, actor: Membership, names: list[str], seen: str | None = None) -> list[TPITier]:
    """Set the instansi's TPI tiers (1 to 3), e.g. ["Anggota tim", "Ketua tim", "Pengendali teknis"].
    ``seen``: :func:`tpi_tiers_digest` when the form was built; another admin's save since is a
    ``VersionConflict`` (nothing written)."""
    _require(actor, Cap.PENILAIAN_MANAGE)
    list(TPITier.objects.select_for_update().filter(instansi_id=actor.instansi_id))  # serialise the admins
    if seen is not None and seen != tpi_tiers_digest(instansi_id=actor.instansi_id):
        raise VersionConflict(VERSION_CONFLICT)
    cleaned = [name.strip() for name in names if name and name.strip()]
    if not 1 <= len(cleaned) <= 3:
        raise ValidationError({"names": ValidationError(TIERS_INVALID, code="tiers_invalid")})
    # A penilaian under review at a tier that would disappear could never be closed properly.
    if Penilaian.objects.filter(
        instansi_id=actor.instansi_id, status__in=[S.IN_REVIEW, S.REVISION], current_level__gt=len(cleaned)
    ).exists():
        raise ValidationError({"names": ValidationError(TIERS_IN_USE, code="tiers_in_use")})
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
    # Tier 1 always exists (an instansi without configured tiers reviews in one tier).
    if not 1 <= level <= 3 or (
        level != 1 and not TPITier.objects.filter(instansi_id=actor.instansi_id, level=level).exists()
    ):
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
    """Remove a TPI member's assignment (their answers at that tier stay)."""
    _require(actor, Cap.PENILAIAN_MANAGE)
    if assignment.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    _audit(actor, "tpi.unassign", assignment, reviewer=assignment.reviewer.email, level=assignment.level)
    assignment.delete()


@transaction.atomic
def area_assign(*, actor: Membership, penilaian: Penilaian, area: int, assignee: Membership) -> AreaAssignment:
    """Give a pokja member responsibility for one area (1–6) or the hasil part (7)."""
    _require(actor, Cap.PENILAIAN_FILL)
    _require_reach(actor, penilaian)
    if not 1 <= area <= 7:
        raise ValidationError({"area": ValidationError(AREA_UNKNOWN, code="area_unknown")})
    reaches_unit = (
        assignee.unit is None or penilaian.unit.path.startswith(assignee.unit.path)
    ) and assignee.instansi_id == actor.instansi_id
    if not reaches_unit or not assignee.can(Cap.PENILAIAN_FILL):
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
    # The actor's own user needs no existence check (a query); the foreign key still holds it.
    row.full_clean(exclude=["penilaian", "soal", "instansi", "updated_by"])
    if not row._state.adding:
        row.save()  # the row is locked above: an update cannot collide
        return row, before
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:  # a concurrent first save of the same answer
        raise ConflictError(STALE_VERSION) from exc
    return row, before


def jawaban_unit_edit_refusal(
    *,
    actor: Membership,
    penilaian: Penilaian,
    returned: bool,
    area_assignees: Collection[int],
    today: datetime.date | None = None,
    area: int | None = None,
) -> DomainError | None:
    """Why the actor may not change the unit's answer to an item now, or None.

    One rule for the service (which raises it) and the worksheet (which shows it): the
    self-assessment inside the fill window; in revision only returned items (``returned``: a
    return not yet accepted) inside the revision window; read-only otherwise; an area assigned to
    other pokja members is theirs (``area_assignees``: user ids assigned to the item's area). A
    member of the unit's tim kerja ZI without Cap.PENILAIAN_FILL fills the items of their pokja
    ``area`` under the same windows.
    """
    if not actor.can(Cap.PENILAIAN_FILL) and not (area is not None and pokja_allows(actor, penilaian, area)):
        return PermissionDeniedError()
    today = today or _today()
    cycle = penilaian.cycle
    if penilaian.status == S.DRAFT:
        if not cycle.fill_start <= today <= cycle.fill_end:
            return WindowClosed(FILL_WINDOW_CLOSED)
    elif penilaian.status == S.REVISION:
        if not returned:
            return TransitionNotAllowed(NOT_RETURNED)
        if not cycle.revision_start <= today <= cycle.revision_end:
            return WindowClosed(REVISION_WINDOW_CLOSED)
    elif penilaian.status in {S.CLOSED, S.RECOMMENDED, S.NOT_RECOMMENDED}:
        return TransitionNotAllowed(STATUS_CLOSED)
    else:
        return TransitionNotAllowed(STATUS_LOCKED_UNIT)
    if (
        area_assignees
        and actor.user_id not in area_assignees
        and not actor.can(Cap.PENILAIAN_MANAGE)
        and actor.role == Role.TIM_KERJA
    ):
        return PermissionDeniedError(AREA_ASSIGNED_TO_OTHERS)
    return None


def unit_edit_refusal(
    *,
    actor: Membership,
    penilaian: Penilaian,
    area: int,
    returned: bool,
    area_assignees: Collection[int],
    today: datetime.date | None = None,
) -> DomainError | None:
    """Why the actor may not change the unit's answer to an item of ``area`` now, or None: the
    service's own rule (``jawaban_unit_edit_refusal``), with a plainer message for read-only members."""
    if not actor.can(Cap.PENILAIAN_FILL) and not pokja_allows(actor, penilaian, area):
        return PermissionDeniedError(READ_ONLY_MEMBER)
    return jawaban_unit_edit_refusal(
        actor=actor, penilaian=penilaian, returned=returned, area_assignees=area_assignees, today=today, area=area
    )


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
    if not actor.can(Cap.PENILAIAN_FILL) and not pokja_allows(actor, penilaian, soal_area(soal)):
        raise PermissionDeniedError
    _require_reach(actor, penilaian)
    penilaian = _lock(penilaian)
    if soal.template_id != penilaian.template_id:
        raise ValidationError({"soal": ValidationError(SOAL_FOREIGN, code="soal_foreign")})
    open_return = None
    if penilaian.status == S.REVISION:
        open_return = (
            ItemReturn.objects.select_for_update()
            .filter(instansi_id=penilaian.instansi_id, penilaian=penilaian, soal=soal)
            .exclude(status=ReturnStatus.ACCEPTED)
            .first()
        )
    assignees = set(
        AreaAssignment.objects.filter(
            instansi_id=penilaian.instansi_id, penilaian=penilaian, area=soal_area(soal)
        ).values_list("assignee_id", flat=True)
    )
    refusal = jawaban_unit_edit_refusal(
        actor=actor,
        penilaian=penilaian,
        returned=open_return is not None,
        area_assignees=assignees,
        area=soal_area(soal),
    )
    if refusal is not None:
        raise refusal
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
        _record_return_step(
            item=open_return, kind=ItemReturnEvent.Kind.FIXED, actor=actor, level=open_return.level, note=row.note
        )
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
    penilaian = _review_guard(actor, penilaian)
    if not _in(penilaian.cycle.review_start, penilaian.cycle.proposal_end):
        raise WindowClosed(REVIEW_WINDOW_CLOSED)
    if soal.template_id != penilaian.template_id:
        raise ValidationError({"soal": ValidationError(SOAL_FOREIGN, code="soal_foreign")})
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


def _review_guard(actor: Membership, penilaian: Penilaian) -> Penilaian:
    """The common checks of a write by the current tier: capability, reach, lock, status, assignment."""
    _require(actor, Cap.PENILAIAN_REVIEW)
    _require_reach(actor, penilaian)
    penilaian = _lock(penilaian)
    if penilaian.status in {S.CLOSED, S.RECOMMENDED, S.NOT_RECOMMENDED}:
        raise TransitionNotAllowed(STATUS_CLOSED)
    if penilaian.status != S.IN_REVIEW:
        raise TransitionNotAllowed()
    _require_assigned(actor, penilaian)
    return penilaian


@transaction.atomic
def jawaban_review_copy_below(
    *, actor: Membership, penilaian: Penilaian, soal_ids: Collection[int] | None = None
) -> int:
    """Prefill the current tier's *unanswered* soal with the answers of the tier below (the unit's
    for tier 1), optionally only the given PortalRB soal ids (one section). Answers the tier has
    already given and every note are left alone. Inputs whose copy would contradict the tier's own
    numbers (more filed than obliged…) are not copied. Returns how many answers were copied;
    writes one audit event ``jawaban.review_copy`` listing them.
    """
    penilaian = _review_guard(actor, penilaian)
    if not _in(penilaian.cycle.review_start, penilaian.cycle.proposal_end):
        raise WindowClosed(REVIEW_WINDOW_CLOSED)
    level = penilaian.current_level
    source_tier, source_level = tier_below(level)
    rows = (
        Jawaban.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian)
        .filter(Q(tier=source_tier, level=source_level) | Q(tier=Tier.TPI, level=level))
        .select_related("soal")
        .select_for_update(of=("self",))
    )
    source: dict[int, Jawaban] = {}
    target: dict[int, Jawaban] = {}
    for row in rows:
        is_target = row.tier == Tier.TPI and row.level == level
        (target if is_target else source)[row.soal.portalrb_soal_id] = row
    wanted = set(soal_ids) if soal_ids is not None else None
    copies = {
        soal_id: row
        for soal_id, row in source.items()
        if row.answer is not None
        and (wanted is None or soal_id in wanted)
        and (soal_id not in target or target[soal_id].answer is None)
    }
    # Never create a contradiction in this tier's own numbers: leave those inputs to the reviewer.
    spec = penilaian_spec(penilaian)
    while True:
        merged = {sid: row.answer for sid, row in target.items() if row.answer is not None}
        merged.update({sid: row.answer for sid, row in copies.items()})
        problems = {code for _sid, code in contradictions(spec, merged)}
        involved = {
            sid
            for item in spec.derived()
            if item.code in problems
            for sid in [*item.formula.get("numerator", []), *item.formula.get("denominator", [])]
        }
        dropped = involved & set(copies)
        if not dropped:
            break
        for sid in dropped:
            copies.pop(sid)
    now = timezone.now()
    created: list[Jawaban] = []
    updated: list[Jawaban] = []
    for soal_id, row in copies.items():
        existing = target.get(soal_id)
        if existing is None:
            created.append(
                Jawaban(
                    instansi_id=penilaian.instansi_id,
                    penilaian=penilaian,
                    soal=row.soal,
                    tier=Tier.TPI,
                    level=level,
                    answer=row.answer,
                    version=1,
                    updated_by=actor.user,
                )
            )
        else:
            existing.answer = row.answer
            existing.version += 1
            existing.updated_by = actor.user
            existing.updated_at = now
            updated.append(existing)
    Jawaban.objects.bulk_create(created)
    Jawaban.objects.bulk_update(updated, ["answer", "version", "updated_by", "updated_at"])
    copied = sorted(copies)
    if copied:
        audit_record(
            actor=actor.user,
            verb="jawaban.review_copy",
            obj=penilaian,
            after={"level": level, "from": f"{source_tier}{source_level or ''}", "soal": copied},
        )
    return len(copied)


# -----------------------------------------------------------------------------
# Workflow
# -----------------------------------------------------------------------------


def _transition(
    actor: Membership,
    penilaian: Penilaian,
    action: str,
    verb: str,
    *,
    extra: dict[str, Any] | None = None,
    **fields: Any,
) -> Penilaian:
    """Move along the PENILAIAN table (apps.penilaian.workflows): status, fields, audit before/after."""
    before = {"level": penilaian.current_level}
    PENILAIAN.apply(
        obj=penilaian,
        action=action,
        actor=actor,
        fields=fields,
        before_extra=before,
        after_extra={"level": fields.get("current_level", penilaian.current_level), **(extra or {})},
        verb=verb,
    )
    return penilaian


def unanswered_soal(*, penilaian: Penilaian) -> list[Soal]:
    """The soal the unit has not answered, in the LKE's order."""
    answered = Jawaban.objects.filter(
        instansi_id=penilaian.instansi_id, penilaian=penilaian, tier=Tier.UNIT, level=0, answer__isnull=False
    ).values("soal_id")
    return list(Soal.objects.filter(template_id=penilaian.template_id).exclude(pk__in=answered).order_by("order"))


@transaction.atomic
def penilaian_submit(*, actor: Membership, penilaian: Penilaian, incomplete_reason: str = "") -> Penilaian:
    """The unit submits its self-assessment to the TPI (draft → in review, tier 1), inside the
    self-assessment window; or re-submits after fixing the returned items (revision → in review).
    Below 100 % answered, the first submission needs ``incomplete_reason`` (kept and audited).

    Notifies the reviewers assigned at the tier that now reviews it.
    """
    _require(actor, Cap.PENILAIAN_FILL)
    _require_reach(actor, penilaian)
    penilaian = _lock(penilaian)
    PENILAIAN.check(state=penilaian.status, action="submit", actor=actor)
    if penilaian.status == S.DRAFT:
        if not _in(penilaian.cycle.fill_start, penilaian.cycle.fill_end):
            raise WindowClosed(FILL_WINDOW_CLOSED)
        missing = len(unanswered_soal(penilaian=penilaian))
        reason = incomplete_reason.strip() if missing else ""
        if missing and not reason:
            total = Soal.objects.filter(template_id=penilaian.template_id).count()
            raise ValidationError(
                {
                    "incomplete_reason": ValidationError(
                        INCOMPLETE_REASON_REQUIRED, code="incomplete", params={"missing": missing, "total": total}
                    )
                }
            )
        penilaian = _transition(
            actor,
            penilaian,
            "submit",
            "penilaian.submit",
            extra={"unanswered": missing, "incomplete_reason": reason},
            current_level=1,
            submitted_at=timezone.now(),
            incomplete_reason=reason,
        )
        event, key = "submitted", "1"
    else:
        if ItemReturn.objects.filter(penilaian=penilaian, status=ReturnStatus.OPEN).exists():
            raise TransitionNotAllowed(RETURNS_PENDING)
        penilaian = _transition(actor, penilaian, "submit", "penilaian.resubmit")
        event, key = "resubmitted", str(penilaian.revision_round)
    _notify(
        actor=actor,
        penilaian=penilaian,
        recipients=penilaian_reviewers(penilaian=penilaian, level=penilaian.current_level),
        event=event,
        key=key,
        link=_review_link(penilaian),
    )
    return penilaian


@transaction.atomic
def item_return(*, actor: Membership, penilaian: Penilaian, soal: Soal, note: str) -> ItemReturn:
    """A reviewer at the current tier returns one soal to the unit with what to fix.

    An item already returned and not yet accepted is re-opened with the new note (the fix was not
    enough); its history keeps every step (``ItemReturnEvent``).
    """
    penilaian = _review_guard(actor, penilaian)
    if soal.template_id != penilaian.template_id:
        raise ValidationError({"soal": ValidationError(SOAL_FOREIGN, code="soal_foreign")})
    if not note.strip():
        raise ValidationError({"note": ValidationError(RETURN_NOTE_REQUIRED, code="required")})
    existing = (
        ItemReturn.objects.select_for_update()
        .filter(instansi_id=penilaian.instansi_id, penilaian=penilaian, soal=soal)
        .exclude(status=ReturnStatus.ACCEPTED)
        .first()
    )
    if existing is not None:
        existing.note = note.strip()
        existing.status = ReturnStatus.OPEN
        existing.level = penilaian.current_level
        existing.returned_by = actor.user
        existing.save(update_fields=["note", "status", "level", "returned_by", "updated_at"])
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
    _record_return_step(
        item=item, kind=ItemReturnEvent.Kind.RETURNED, actor=actor, level=penilaian.current_level, note=item.note
    )
    _audit(actor, "penilaian.item_return", penilaian, soal=soal.portalrb_soal_id, note=item.note)
    return item


@transaction.atomic
def item_return_accept(*, actor: Membership, item: ItemReturn) -> ItemReturn:
    """The reviewer re-checked a fixed item and accepts it (waiting for re-check → re-checked)."""
    penilaian = _review_guard(actor, item.penilaian)
    item = ItemReturn.objects.select_for_update().select_related("soal").get(pk=item.pk)
    if item.status != ReturnStatus.FIXED:
        raise TransitionNotAllowed(NOT_WAITING)
    item.status = ReturnStatus.ACCEPTED
    item.resolved_at = timezone.now()
    item.save(update_fields=["status", "resolved_at", "updated_at"])
    _record_return_step(item=item, kind=ItemReturnEvent.Kind.ACCEPTED, actor=actor, level=penilaian.current_level)
    _audit(actor, "penilaian.item_accept", penilaian, soal=item.soal.portalrb_soal_id)
    return item


@transaction.atomic
def penilaian_send_back(*, actor: Membership, penilaian: Penilaian) -> Penilaian:
    """Send the LKE back to the unit with the returned items (in review → revision), starting a
    new revision round. Notifies the unit's tim kerja and pimpinan unit."""
    penilaian = _review_guard(actor, penilaian)
    PENILAIAN.check(state=penilaian.status, action="send_back", actor=actor)
    open_count = ItemReturn.objects.filter(penilaian=penilaian, status=ReturnStatus.OPEN).count()
    if open_count == 0:
        raise TransitionNotAllowed(NOTHING_RETURNED)
    penilaian = _transition(
        actor, penilaian, "send_back", "penilaian.send_back", revision_round=penilaian.revision_round + 1
    )
    _notify(
        actor=actor,
        penilaian=penilaian,
        recipients=penilaian_unit_team(penilaian=penilaian),
        event="sent_back",
        key=str(penilaian.revision_round),
        link=_worksheet_link(penilaian),
        count=open_count,
    )
    return penilaian


@transaction.atomic
def penilaian_return_unanswered(*, actor: Membership, penilaian: Penilaian, note: str = "") -> list[ItemReturn]:
    """A reviewer at the current tier returns every soal the unit left unanswered in one action and
    sends the LKE back (in review → revision). Each item gets its own return with its history
    (``ItemReturnEvent``), exactly as if returned one by one; one audit row lists them all."""
    penilaian = _review_guard(actor, penilaian)
    PENILAIAN.check(state=penilaian.status, action="return_unanswered", actor=actor)
    blanks = unanswered_soal(penilaian=penilaian)
    if not blanks:
        raise TransitionNotAllowed(NOTHING_UNANSWERED)
    text = note.strip() or str(RETURN_UNANSWERED_NOTE)
    level = penilaian.current_level
    existing = {
        item.soal_id: item
        for item in ItemReturn.objects.select_for_update()
        .filter(instansi_id=penilaian.instansi_id, penilaian=penilaian, soal__in=blanks)
        .exclude(status=ReturnStatus.ACCEPTED)
    }
    items: list[ItemReturn] = []
    for soal in blanks:
        item = existing.get(soal.pk)
        if item is not None:
            item.note, item.status, item.level, item.returned_by = text, ReturnStatus.OPEN, level, actor.user
            item.save(update_fields=["note", "status", "level", "returned_by", "updated_at"])
        else:
            item = ItemReturn(
                instansi_id=penilaian.instansi_id,
                penilaian=penilaian,
                soal=soal,
                level=level,
                note=text,
                returned_by=actor.user,
            )
        items.append(item)
    ItemReturn.objects.bulk_create([i for i in items if i.pk is None])
    ItemReturnEvent.objects.bulk_create(
        [
            ItemReturnEvent(
                instansi_id=penilaian.instansi_id,
                item=item,
                kind=ItemReturnEvent.Kind.RETURNED,
                level=level,
                note=text,
                actor=actor.user,
            )
            for item in items
        ]
    )
    penilaian = _transition(
        actor,
        penilaian,
        "return_unanswered",
        "penilaian.return_unanswered",
        extra={"returned": [s.portalrb_soal_id for s in blanks], "note": text},
        revision_round=penilaian.revision_round + 1,
    )
    _notify(
        actor=actor,
        penilaian=penilaian,
        recipients=penilaian_unit_team(penilaian=penilaian),
        event="sent_back",
        key=str(penilaian.revision_round),
        link=_worksheet_link(penilaian),
        count=len(items),
    )
    return items


@transaction.atomic
def penilaian_tier_complete(*, actor: Membership, penilaian: Penilaian) -> Penilaian:
    """The current tier has answered every soal and nothing is pending: hand over to the next tier,
    or — at the last tier — close the review (everything becomes read-only).

    Notifies the next tier's reviewers, or — on closing — the unit and the admin ZI.
    """
    penilaian = _review_guard(actor, penilaian)
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
        penilaian = _transition(actor, penilaian, "close", "penilaian.close", closed_at=timezone.now())
        _notify(
            actor=actor,
            penilaian=penilaian,
            recipients=[*penilaian_unit_team(penilaian=penilaian), *penilaian_managers(penilaian=penilaian)],
            event="closed",
            key="1",
            link=_worksheet_link(penilaian),
        )
        return penilaian
    penilaian = _transition(
        actor, penilaian, "hand_over", "penilaian.tier_complete", current_level=penilaian.current_level + 1
    )
    _notify(
        actor=actor,
        penilaian=penilaian,
        recipients=penilaian_reviewers(penilaian=penilaian, level=penilaian.current_level),
        event="handover",
        key=str(penilaian.current_level),
        link=_review_link(penilaian),
        level=penilaian.current_level,
    )
    return penilaian


@transaction.atomic
def penilaian_recommend(
    *, actor: Membership, penilaian: Penilaian, decision: str, reasons: str, threshold_reason: str = ""
) -> Recommendation:
    """The TPI records its recommendation to the pimpinan instansi after the review is closed
    (closed → recommended | not recommended). Any reviewer assigned to the unit that year may
    record it, once. "Layak" over a final tier that misses a threshold of the predikat needs
    ``threshold_reason`` (the LHE prints it). Notifies the unit and the admin ZI."""
    _require(actor, Cap.PENILAIAN_REVIEW)
    _require_reach(actor, penilaian)
    penilaian = _lock(penilaian)
    action = "not_recommend" if decision == Recommendation.Decision.BELUM_LAYAK else "recommend"
    PENILAIAN.check(state=penilaian.status, action=action, actor=actor)
    if not TPIAssignment.objects.filter(
        instansi_id=penilaian.instansi_id, cycle_id=penilaian.cycle_id, unit_id=penilaian.unit_id, reviewer=actor.user
    ).exists():
        raise PermissionDeniedError(NOT_ASSIGNED)
    if decision not in Recommendation.Decision.values:
        raise ValidationError({"decision": ValidationError(DECISION_INVALID, code="invalid")})
    if not reasons.strip():
        raise ValidationError({"reasons": ValidationError(REASONS_REQUIRED, code="required")})
    threshold_reason = threshold_reason.strip()
    report = None
    if action == "recommend":
        from apps.penilaian.thresholds import final_tpi_report

        predikat = "WBBM" if decision == Recommendation.Decision.LAYAK_WBBM else "WBK"
        report = final_tpi_report(penilaian=penilaian, predikat=predikat)
        if report.met:
            threshold_reason = ""
        elif not threshold_reason:
            raise ValidationError(
                {
                    "threshold_reason": ValidationError(
                        THRESHOLD_REASON_REQUIRED,
                        code="below_threshold",
                        params={"predikat": predikat, "failures": report.failures_text() or "-"},
                    )
                }
            )
    else:
        threshold_reason = ""
    recommendation = Recommendation(
        instansi_id=penilaian.instansi_id,
        penilaian=penilaian,
        decision=decision,
        reasons=reasons.strip(),
        threshold_reason=threshold_reason,
        decided_by=actor.user,
    )
    recommendation.full_clean(exclude=["penilaian", "instansi", "decided_by"])
    recommendation.save()
    _transition(
        actor,
        penilaian,
        action,
        "penilaian.recommend",
        extra={
            "decision": decision,
            "thresholds_met": report.met if report is not None else None,
            "threshold_reason": threshold_reason,
        },
    )
    _notify(
        actor=actor,
        penilaian=penilaian,
        recipients=[*penilaian_unit_team(penilaian=penilaian), *penilaian_managers(penilaian=penilaian)],
        event="recommended",
        key="1",
        link=_worksheet_link(penilaian),
        decision=recommendation.get_decision_display(),
    )
    return recommendation


# -----------------------------------------------------------------------------
# TPN tier (desk evaluation through the national API)
# -----------------------------------------------------------------------------

TPN_NOT_NATIONAL = _("Only a KemenPANRB or TPN account records TPN answers.")
TPN_NOT_PROPOSED = _("TPN answers are recorded only on the LKE of a proposal submitted to KemenPANRB.")


@transaction.atomic
def jawaban_tpn_save(
    *, actor: Membership, penilaian: Penilaian, soal: Soal, answer: str | None, note: str = ""
) -> Jawaban:
    """Save TPN's answer and note to one soal (tier ``tpn``, level 0): the desk evaluation.

    By a national member (KemenPANRB / TPN), on the penilaian of a *proposed* pengusulan only, with
    no date window (TPN sets its own schedule). The answer is validated by the LKE engine like every
    tier's. The last save wins (TPN's PUT replaces its answers), so no version is asked for.
    National actors have no instansi: the penilaian's scope is opened here.
    """
    from apps.pengusulan.models import Pengusulan, PengusulanStatus
    from apps.tenancy.scope import scope

    if not (actor.is_national and actor.can(Cap.NATIONAL_VIEW)):
        raise PermissionDeniedError(TPN_NOT_NATIONAL)
    with scope(penilaian.instansi_id):
        penilaian = _lock(penilaian)
        proposed = Pengusulan.objects.filter(
            instansi_id=penilaian.instansi_id, penilaian=penilaian, status=PengusulanStatus.PROPOSED
        ).exists()
        if not proposed:
            raise TransitionNotAllowed(TPN_NOT_PROPOSED)
        if soal.template_id != penilaian.template_id:
            raise ValidationError({"soal": ValidationError(SOAL_FOREIGN, code="soal_foreign")})
        normalised = _normalise(penilaian, soal, answer)
        _check_contradictions(penilaian, soal, normalised, Tier.TPN, 0)
        current = jawaban_get_version(penilaian=penilaian, soal=soal, tier=Tier.TPN, level=0)
        row, before = _save_row(
            actor=actor,
            penilaian=penilaian,
            soal=soal,
            tier=Tier.TPN,
            level=0,
            answer=normalised,
            note=note,
            evidence_link=None,
            version=current,
        )
        audit_record(
            actor=actor.user,
            verb="jawaban.tpn_save",
            obj=penilaian,
            before={"soal": soal.portalrb_soal_id, **before} if before else None,
            after={"soal": soal.portalrb_soal_id, "answer": row.answer, "note": row.note},
        )
    return row


def jawaban_get_version(*, penilaian: Penilaian, soal: Soal, tier: str, level: int) -> int:
    """The saved version of one tier's answer (0 when there is none)."""
    row = Jawaban.objects.filter(
        instansi_id=penilaian.instansi_id, penilaian=penilaian, soal=soal, tier=tier, level=level
    ).first()
    return row.version if row else 0
