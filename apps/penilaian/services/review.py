"""The workflow of a penilaian: the unit's submission, the TPI's returns, sending back, handing over to
the next tier or closing, and the recommendation. Each step notifies the people who must act next.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import audit, lock, require
from apps.core.errors import PermissionDeniedError, TransitionNotAllowed, WindowClosed
from apps.lke.models import Soal
from apps.penilaian.models import (
    ItemReturn,
    ItemReturnEvent,
    Jawaban,
    Penilaian,
    PenilaianStatus,
    Recommendation,
    ReturnStatus,
    Tier,
    TPIAssignment,
)
from apps.penilaian.selectors import penilaian_managers, penilaian_reviewers, penilaian_unit_team, tpi_levels
from apps.penilaian.services.common import (
    FILL_WINDOW_CLOSED,
    JOINED,
    NOT_ASSIGNED,
    REVIEW_WINDOW_CLOSED,
    SOAL_FOREIGN,
    _in,
    _notify,
    _record_return_step,
    _require_reach,
    _review_guard,
    _review_link,
    _worksheet_link,
)
from apps.penilaian.thresholds import final_tpi_report
from apps.penilaian.workflows import PENILAIAN
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap

S = PenilaianStatus

RETURNS_PENDING = _("Items returned for revision are still pending.")
NOTHING_RETURNED = _("Return at least one item before sending the LKE back.")
UNANSWERED = _("%(count)s soal are not answered at this tier yet.")
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
    require(actor, Cap.PENILAIAN_FILL)
    _require_reach(actor, penilaian)
    penilaian = lock(penilaian, related=JOINED)
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
    before = None
    if existing is not None:  # re-opened: the audit row keeps what the return said until now
        before = {"soal": soal.portalrb_soal_id, "note": existing.note, "status": existing.status}
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
    audit(actor, "penilaian.item_return", penilaian, before=before, soal=soal.portalrb_soal_id, note=item.note)
    return item


@transaction.atomic
def item_return_accept(*, actor: Membership, item: ItemReturn) -> ItemReturn:
    """The reviewer re-checked a fixed item and accepts it (waiting for re-check → re-checked)."""
    penilaian = _review_guard(actor, item.penilaian)
    item = lock(item, related=("soal",))
    if item.status != ReturnStatus.FIXED:
        raise TransitionNotAllowed(NOT_WAITING)
    item.status = ReturnStatus.ACCEPTED
    item.resolved_at = timezone.now()
    item.save(update_fields=["status", "resolved_at", "updated_at"])
    _record_return_step(item=item, kind=ItemReturnEvent.Kind.ACCEPTED, actor=actor, level=penilaian.current_level)
    audit(
        actor,
        "penilaian.item_accept",
        penilaian,
        before={"soal": item.soal.portalrb_soal_id, "status": ReturnStatus.FIXED},
        soal=item.soal.portalrb_soal_id,
        status=item.status,
    )
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
    require(actor, Cap.PENILAIAN_REVIEW)
    _require_reach(actor, penilaian)
    penilaian = lock(penilaian, related=JOINED)
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
