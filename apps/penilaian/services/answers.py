"""Answers of every tier: the unit's self-assessment (with the one rule of who may change an item now,
``jawaban_unit_edit_refusal`` / ``unit_edit_refusal``), the TPI tiers' review answers and their copy
from the tier below, and TPN's answers (recorded for the desk evaluation of ``apps.tpn``).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import audit, lock
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError, TransitionNotAllowed, WindowClosed
from apps.lke.models import Soal
from apps.lke.scoring import AnswerError, contradictions, normalise_answer
from apps.penilaian.models import (
    AreaAssignment,
    ItemReturn,
    ItemReturnEvent,
    Jawaban,
    Penilaian,
    PenilaianStatus,
    ReturnStatus,
    Tier,
)
from apps.penilaian.selectors import penilaian_spec, tier_below
from apps.penilaian.services.common import (
    FILL_WINDOW_CLOSED,
    JOINED,
    REVIEW_WINDOW_CLOSED,
    SOAL_FOREIGN,
    STATUS_CLOSED,
    _in,
    _record_return_step,
    _require_reach,
    _review_guard,
    _today,
    pokja_allows,
)
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap, Role
from apps.tenancy.shapes import QueryShape

S = PenilaianStatus

STATUS_LOCKED_UNIT = _("After submission the unit edits only the items returned for revision.")
NOT_RETURNED = _("This item was not returned for revision.")
AREA_ASSIGNED_TO_OTHERS = _("This area is assigned to other members of the tim kerja.")
REVISION_WINDOW_CLOSED = _("The revision window of this year is closed.")
CONTRADICTION = _("This number contradicts another answer (%(code)s): more completed or filed than obliged.")
STALE_VERSION = _("Someone else saved this answer meanwhile. Your text is kept below; check theirs and save again.")
READ_ONLY_MEMBER = _("You can read this LKE but not change it.")


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


# Query shapes (apps/tenancy/shapes.py) of every answer save: compiled once, bound per save.
def _row_for_update(instansi_id: int, penilaian_id: int, soal_id: int, level: int, tier: str = "") -> QuerySet[Jawaban]:
    return (
        Jawaban.objects.select_for_update()
        .filter(instansi_id=instansi_id, penilaian_id=penilaian_id, soal_id=soal_id, tier=tier, level=level)
        .order_by("pk")[:1]
    )


_ROW_FOR_UPDATE = {tier: QueryShape(functools.partial(_row_for_update, tier=tier)) for tier in Tier.values}
_AREA_ASSIGNEES = QueryShape(
    lambda instansi_id, penilaian_id, area: AreaAssignment.objects.filter(
        instansi_id=instansi_id, penilaian_id=penilaian_id, area=area
    ).values_list("assignee_id", flat=True)
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
    found = _ROW_FOR_UPDATE[tier].run(
        instansi_id=penilaian.instansi_id, penilaian_id=penilaian.pk, soal_id=soal.pk, level=level
    )
    row = found[0] if found else None
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
    # Both constraints of the row (unique per instansi) include ``instansi``, which is excluded: their
    # validation would build two scoped querysets only to skip them (the database enforces them).
    row.full_clean(exclude=["penilaian", "soal", "instansi", "updated_by"], validate_constraints=False)
    if not row._state.adding:
        # The row is locked above: an update cannot collide. Only what a save changes is written.
        row.save(update_fields=["answer", "note", "evidence_link", "version", "updated_by", "updated_at"])
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
    penilaian = lock(penilaian, related=JOINED)
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
        _AREA_ASSIGNEES.run(instansi_id=penilaian.instansi_id, penilaian_id=penilaian.pk, area=soal_area(soal))
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
    audit(
        actor,
        "jawaban.save",
        penilaian,
        before={"soal": soal.portalrb_soal_id, **before} if before else None,
        soal=soal.portalrb_soal_id,
        answer=row.answer,
        note=row.note,
        evidence_link=row.evidence_link,
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
    audit(
        actor,
        "jawaban.review_save",
        penilaian,
        before={"soal": soal.portalrb_soal_id, **before} if before else None,
        soal=soal.portalrb_soal_id,
        level=penilaian.current_level,
        answer=row.answer,
        note=row.note,
    )
    return row


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
        merged: dict[int, str | None] = {sid: row.answer for sid, row in target.items() if row.answer is not None}
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
        after: dict[str, Any] = {"level": level, "from": f"{source_tier}{source_level or ''}", "soal": copied}
        audit(actor, "jawaban.review_copy", penilaian, **after)
    return len(copied)


@transaction.atomic
def jawaban_tpn_record(
    *, actor: Membership, penilaian: Penilaian, soal: Soal, answer: str | None, note: str
) -> Jawaban:
    """Save TPN's answer and note to one soal (tier ``tpn``, level 0), as the desk evaluation asks:
    validated by the LKE engine like every tier's, with no date window (TPN sets its own schedule),
    and the last save wins (TPN's PUT replaces its answers), so no version is asked for.

    Who may and when (a national member, on the penilaian of a proposed pengusulan, in its scope)
    is decided by the desk evaluation itself: ``apps.tpn.services.jawaban_tpn_save``.
    """
    penilaian = lock(penilaian, related=JOINED)
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
    audit(
        actor,
        "jawaban.tpn_save",
        penilaian,
        before={"soal": soal.portalrb_soal_id, **before} if before else None,
        soal=soal.portalrb_soal_id,
        answer=row.answer,
        note=row.note,
    )
    return row


def jawaban_get_version(*, penilaian: Penilaian, soal: Soal, tier: str, level: int) -> int:
    """The saved version of one tier's answer (0 when there is none)."""
    row = Jawaban.objects.filter(
        instansi_id=penilaian.instansi_id, penilaian=penilaian, soal=soal, tier=tier, level=level
    ).first()
    return row.version if row else 0
