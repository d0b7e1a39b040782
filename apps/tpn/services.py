"""TPN writes: the results of a proposal (REFERENCE §1.3 f–h) and the national users' API tokens.

Order of a proposal's results (each refusal is a 422 ``TRANSITION_NOT_ALLOWED`` and writes nothing)::

    proposed ──administrasi──▶ lulus | lulus_catatan | tidak_lulus
    tidak_lulus ──sanggahan──▶ diterima (goes on to desk) | ditolak (ends)
    lulus | lulus_catatan | sanggahan diterima | desk ──desk──▶ desk (TPN-tier scores frozen in the result)
    desk ──lapangan──▶ lapangan
    desk | lapangan ──penetapan──▶ ditetapkan_wbk | ditetapkan_wbbm (records PredikatUnit) | tidak_ditetapkan
    ditetapkan ──pencabutan──▶ dicabut (the PredikatUnit is revoked: no new proposal for two years)

Every result is audited on the pengusulan's instansi and notified to its admin ZI and pimpinan
instansi (in the app and by email, one key per result). National actors have no instansi, so each
write opens the pengusulan's instansi scope itself (like a task does).
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.api.tokens import token_hash
from apps.audit.guarded import audit, lock
from apps.core.errors import PermissionDeniedError, TransitionNotAllowed
from apps.lke.models import Soal
from apps.notifications.services import notify
from apps.pengusulan.models import Pengusulan, PengusulanStatus, Predikat, PredikatUnit, ProposalQuota
from apps.pengusulan.services import predikat_unit_record
from apps.pengusulan.snapshot import scores_dict
from apps.penilaian.models import Jawaban, Penilaian, Tier
from apps.penilaian.selectors import jawaban_by_tier, penilaian_scores, soal_get
from apps.penilaian.services.answers import jawaban_tpn_record
from apps.penilaian.thresholds import tpn_report
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.roles import NATIONAL_ROLES, ROLE_CAPABILITIES, Cap
from apps.tenancy.scope import scope
from apps.tenancy.selectors import membership_list_for_instansi
from apps.tpn.models import STAGE_OUTCOMES, ApiToken, Outcome, Stage, TPNResult
from apps.tpn.permissions import can_record, is_national
from apps.tpn.selectors import NationalStage, stage_of
from apps.tpn.workflows import TPN, action

if TYPE_CHECKING:
    from apps.accounts.models import User

N = NationalStage

NOT_PROPOSED = _("Only a proposal submitted to KemenPANRB can receive TPN results.")
STAGE_UNKNOWN = _("Choose a stage: administrasi, sanggahan, desk, lapangan, penetapan or pencabutan.")
OUTCOME_INVALID = _("This outcome does not belong to the stage.")
ORDER_REFUSED = _("A %(stage)s result cannot be recorded now: the proposal is at stage %(current)s.")
NOTES_REQUIRED = _("Give the notes.")
REASON_REQUIRED = _("Give the reason for the revocation.")
DECREE_NUMBER_REQUIRED = _("Give the decree number.")
DECREE_DATE_REQUIRED = _("Give the decree date.")
REVOKED_ON_REQUIRED = _("Give the date of the revocation.")
PREDIKAT_MISMATCH = _("The proposal is for %(predikat)s: designate that predikat or record it as not designated.")
NO_TPN_ANSWERS = _("Record the TPN answers (desk evaluation) before the desk result.")
OVERRIDE_REASON_REQUIRED = _(
    "The TPN score does not meet every threshold of %(predikat)s: %(failures)s. Designating it anyway needs an "
    "explicit override with its reason (shown to the instansi)."
)
PREDIKAT_MISSING = _("No predikat held from this proposal was found to revoke.")
TOKEN_NAME_REQUIRED = _("Give the token a name.")
TOKEN_NOT_NATIONAL = _("Only KemenPANRB and TPN accounts can hold an API token.")
TOKEN_ALREADY_REVOKED = _("This token is already revoked.")

# Stages whose notes are required (what happened must be said).
NOTES_REQUIRED_STAGES = frozenset({Stage.SANGGAHAN, Stage.LAPANGAN})


def _field_error(field: str, message: Any, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _recipients(pengusulan: Pengusulan) -> list[User]:
    """The instansi's admin ZI and pimpinan instansi (who manage and submit proposals)."""
    roles = sorted(
        role
        for role, caps in ROLE_CAPABILITIES.items()
        if Cap.PENGUSULAN_MANAGE in caps or Cap.PENGUSULAN_SUBMIT in caps
    )
    rows = membership_list_for_instansi(instansi=pengusulan.instansi).filter(is_active=True, role__in=roles)
    return list({row.user.pk: row.user for row in rows if row.user.is_active}.values())


def _notify(result: TPNResult, pengusulan: Pengusulan) -> None:
    link = reverse("pengusulan:pengusulan-detail", kwargs={"public_id": pengusulan.public_id})
    for user in _recipients(pengusulan):
        notify(
            instansi=pengusulan.instansi,
            recipient=user,
            kind="tpn_result",
            key=f"tpn-result:{result.public_id}",
            template="tpn-result",
            context={
                "unit_name": pengusulan.unit.name,
                "tahun": pengusulan.cycle.tahun,
                "kategori": pengusulan.kategori,
                "stage": result.get_stage_display(),
                "outcome": result.get_outcome_display(),
                "notes": result.notes,
                "decree_number": result.decree_number,
                "decree_date": result.decree_date,
            },
            link=link,
        )


def _check_shape(
    *,
    pengusulan: Pengusulan,
    stage: str,
    outcome: str,
    notes: str,
    decree_number: str,
    decree_date: datetime.date | None,
    revoked_on: datetime.date | None,
) -> None:
    """Field problems (422 naming the field), all collected before anything is written."""
    errors: dict[str, list[ValidationError]] = {}

    def add(field: str, message: Any, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if stage not in STAGE_OUTCOMES:
        add("stage", STAGE_UNKNOWN, "invalid_choice")
        raise ValidationError(errors)
    if stage == Stage.DESK and not outcome:
        outcome = Outcome.SELESAI
    if outcome not in STAGE_OUTCOMES[stage]:
        add("outcome", OUTCOME_INVALID, "invalid_choice")
    if stage in NOTES_REQUIRED_STAGES and not notes.strip():
        add("notes", NOTES_REQUIRED, "required")
    if stage == Stage.PENETAPAN and outcome in (Outcome.DITETAPKAN_WBK, Outcome.DITETAPKAN_WBBM):
        expected = Outcome.DITETAPKAN_WBBM if pengusulan.predikat == Predikat.WBBM else Outcome.DITETAPKAN_WBK
        if outcome != expected:
            add("outcome", PREDIKAT_MISMATCH % {"predikat": pengusulan.predikat}, "predikat_mismatch")
        if not decree_number.strip():
            add("decree_number", DECREE_NUMBER_REQUIRED, "required")
        if decree_date is None:
            add("decree_date", DECREE_DATE_REQUIRED, "required")
    if stage == Stage.PENCABUTAN:
        if not notes.strip():
            add("notes", REASON_REQUIRED, "required")
        if revoked_on is None:
            add("revoked_on", REVOKED_ON_REQUIRED, "required")
    if errors:
        raise ValidationError(errors)


def _tpn_scores(pengusulan: Pengusulan) -> dict[str, Any] | None:
    scores = penilaian_scores(penilaian=pengusulan.penilaian)
    if not jawaban_by_tier(penilaian=pengusulan.penilaian).get((Tier.TPN, 0)):
        return None
    return scores_dict(scores[(Tier.TPN, 0)].result)


def tpn_result_record(
    *,
    actor: Membership,
    pengusulan: Pengusulan,
    stage: str,
    outcome: str = "",
    notes: str = "",
    decree_number: str = "",
    decree_date: datetime.date | None = None,
    revoked_on: datetime.date | None = None,
    override_reason: str = "",
) -> TPNResult:
    """Record one TPN result on a proposed pengusulan (the one write behind ``POST …/hasil/``).

    ``stage`` is a ``Stage``; ``outcome`` one of ``STAGE_OUTCOMES[stage]`` (desk: ``selesai``, the
    default; lapangan: ``selesai``). Penetapan ditetapkan needs ``decree_number`` and
    ``decree_date`` and records the ``PredikatUnit``; pencabutan needs ``notes`` (the reason) and
    ``revoked_on`` and revokes that ``PredikatUnit``. Refusals: ``PermissionDeniedError`` (role),
    ``ValidationError`` naming the field, ``TransitionNotAllowed`` (stage order). Nothing is written
    on a refusal.
    """
    if not is_national(actor):
        raise PermissionDeniedError
    with scope(pengusulan.instansi_id), transaction.atomic():
        return _record(
            actor=actor,
            pengusulan=pengusulan,
            stage=stage,
            # A stage with a single outcome (desk, lapangan, pencabutan) needs none given.
            outcome=outcome or (STAGE_OUTCOMES[stage][0] if len(STAGE_OUTCOMES.get(stage, ())) == 1 else ""),
            notes=notes.strip(),
            decree_number=decree_number.strip(),
            decree_date=decree_date,
            revoked_on=revoked_on,
            override_reason=override_reason.strip(),
        )


def _record(
    *,
    actor: Membership,
    pengusulan: Pengusulan,
    stage: str,
    outcome: str,
    notes: str,
    decree_number: str,
    decree_date: datetime.date | None,
    revoked_on: datetime.date | None,
    override_reason: str = "",
) -> TPNResult:
    # Lock the proposal: two evaluators recording at once are serialised on it.
    pengusulan = lock(pengusulan, related=("instansi", "unit", "cycle", "penilaian"))
    if stage in STAGE_OUTCOMES and not can_record(actor, stage):
        raise PermissionDeniedError
    _check_shape(
        pengusulan=pengusulan,
        stage=stage,
        outcome=outcome,
        notes=notes,
        decree_number=decree_number,
        decree_date=decree_date,
        revoked_on=revoked_on,
    )
    if pengusulan.status != PengusulanStatus.PROPOSED:
        raise TransitionNotAllowed(NOT_PROPOSED)
    latest = TPNResult.objects.filter(pengusulan=pengusulan).order_by("-created_at", "-id").first()
    current = stage_of(latest)
    TPN.check(
        state=current,
        action=action(stage, outcome),
        actor=actor,
        message=ORDER_REFUSED % {"stage": stage, "current": current},
    )
    if stage == Stage.PENETAPAN and outcome != Outcome.TIDAK_DITETAPKAN:
        # REFERENCE §3.1: a designation over a TPN score below a threshold needs an explicit override.
        report = tpn_report(penilaian=pengusulan.penilaian, predikat=pengusulan.predikat)
        if report.met:
            override_reason = ""
        elif not override_reason:
            raise ValidationError(
                {
                    "override_reason": ValidationError(
                        OVERRIDE_REASON_REQUIRED,
                        code="below_threshold",
                        params={"predikat": pengusulan.predikat, "failures": report.failures_text() or "-"},
                    )
                }
            )
    else:
        override_reason = ""
    scores = None
    if stage == Stage.DESK:
        scores = _tpn_scores(pengusulan)
        if scores is None:
            raise TransitionNotAllowed(NO_TPN_ANSWERS)
    held: PredikatUnit | None = None
    if stage == Stage.PENCABUTAN:
        designated = TPNResult.objects.filter(pengusulan=pengusulan, stage=Stage.PENETAPAN).order_by("-id").first()
        held = (
            PredikatUnit.objects.select_for_update()
            .filter(
                unit=pengusulan.unit,
                tahun=pengusulan.cycle.tahun,
                predikat=pengusulan.predikat,
                revoked_at__isnull=True,
            )
            .first()
        )
        if held is None or designated is None:
            raise TransitionNotAllowed(PREDIKAT_MISSING)
    result = TPNResult(
        instansi=pengusulan.instansi,
        pengusulan=pengusulan,
        stage=stage,
        outcome=outcome,
        notes=notes,
        scores=scores,
        decree_number=decree_number,
        decree_date=decree_date,
        revoked_on=revoked_on,
        override_reason=override_reason,
        recorded_by=actor.user,
    )
    result.full_clean(exclude=["instansi", "pengusulan", "recorded_by"])
    result.save()
    if stage == Stage.PENETAPAN and outcome != Outcome.TIDAK_DITETAPKAN and decree_date is not None:
        predikat_unit_record(
            instansi=pengusulan.instansi,
            unit=pengusulan.unit,
            predikat=pengusulan.predikat,
            tahun=pengusulan.cycle.tahun,
            decree_number=decree_number,
            decree_date=decree_date,
            actor_user=actor.user,
        )
    if held is not None:
        before = {"revoked_at": None}
        held.revoked_at = revoked_on
        held.revoked_reason = notes
        held.full_clean(exclude=["instansi", "unit"])
        held.save(update_fields=["revoked_at", "revoked_reason", "updated_at"])
        audit(actor, "pengusulan.predikat_revoke", held, before=before, revoked_at=str(revoked_on), reason=notes)
    after: dict[str, Any] = {
        "stage_after": TPN.find(current, action(stage, outcome)).target,  # type: ignore[union-attr]
        "override_reason": override_reason,
        "result": str(result.public_id),
        "stage": stage,
        "outcome": outcome,
        "notes": notes,
        "decree_number": decree_number,
        "decree_date": str(decree_date or ""),
        "revoked_on": str(revoked_on or ""),
        "scores_total": (scores or {}).get("total", ""),
    }
    audit(actor, f"tpn.result_{stage}", pengusulan, before={"stage": current}, **after)
    _notify(result, pengusulan)
    return result


# -----------------------------------------------------------------------------
# Personal API tokens
# -----------------------------------------------------------------------------

TOKEN_PREFIX = "zi_tpn_"  # noqa: S105  (a public prefix, not a secret)
PREFIX_DISPLAY_LENGTH = 12


@dataclass(frozen=True)
class IssuedApiToken:
    token: ApiToken
    raw: str  # shown once, never stored


def _national_membership(user: User) -> Membership | None:
    return Membership.objects.filter(user=user, is_active=True, role__in=sorted(NATIONAL_ROLES)).first()


@transaction.atomic
def api_token_issue(*, user: User, name: str) -> IssuedApiToken:
    """A new personal token for a national user (KemenPANRB / TPN). Audited on no instansi: the
    national audit trail is the token row itself (created_at, revoked_at) — see report."""
    if not name.strip():
        raise _field_error("name", TOKEN_NAME_REQUIRED, "required")
    if _national_membership(user) is None or not user.is_active:
        raise PermissionDeniedError(TOKEN_NOT_NATIONAL)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip(), key_hash=token_hash(raw), prefix=raw[:PREFIX_DISPLAY_LENGTH])
    token.full_clean()
    token.save()
    return IssuedApiToken(token=token, raw=raw)


@transaction.atomic
def api_token_revoke(*, user: User, token: ApiToken) -> ApiToken:
    """Revoke one of the user's own tokens (another user's token: PermissionDeniedError)."""
    token = lock(token)
    if token.user_id != user.pk:
        raise PermissionDeniedError
    if token.revoked_at is not None:
        raise TransitionNotAllowed(TOKEN_ALREADY_REVOKED)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def api_token_touch(*, token: ApiToken) -> None:
    """Record the last use (at most once a minute, to keep reads cheap)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# -----------------------------------------------------------------------------
# Desk evaluation answers (the TPN tier)
# -----------------------------------------------------------------------------

SOAL_UNKNOWN = _("This soal is not part of the proposal's LKE.")
SOAL_DUPLICATE = _("This soal appears more than once.")
DESK_NOT_OPEN = _("TPN answers can be recorded only after the administrative selection is passed.")
TPN_NOT_NATIONAL = _("Only a KemenPANRB or TPN account records TPN answers.")
TPN_NOT_PROPOSED = _("TPN answers are recorded only on the LKE of a proposal submitted to KemenPANRB.")


@transaction.atomic
def jawaban_tpn_save(
    *, actor: Membership, penilaian: Penilaian, soal: Soal, answer: str | None, note: str = ""
) -> Jawaban:
    """Save TPN's answer and note to one soal (tier ``tpn``, level 0): the desk evaluation.

    By a national member (KemenPANRB / TPN), on the penilaian of a *proposed* pengusulan only, with
    no date window (TPN sets its own schedule). The answer is validated by the LKE engine like every
    tier's (``apps.penilaian.services.answers.jawaban_tpn_record``). The last save wins (TPN's PUT
    replaces its answers), so no version is asked for. National actors have no instansi: the
    penilaian's scope is opened here.
    """
    if not (actor.is_national and actor.can(Cap.NATIONAL_VIEW)):
        raise PermissionDeniedError(TPN_NOT_NATIONAL)
    with scope(penilaian.instansi_id):
        proposed = Pengusulan.objects.filter(
            instansi_id=penilaian.instansi_id, penilaian=penilaian, status=PengusulanStatus.PROPOSED
        ).exists()
        if not proposed:
            raise TransitionNotAllowed(TPN_NOT_PROPOSED)
        return jawaban_tpn_record(actor=actor, penilaian=penilaian, soal=soal, answer=answer, note=note)


def tpn_answers_save(*, actor: Membership, pengusulan: Pengusulan, answers: list[dict[str, Any]]) -> dict[str, Any]:
    """Save TPN's answers (``[{"soal_id", "answer", "note"}]``) all or nothing, through
    ``jawaban_tpn_save`` (validated by the LKE engine); returns the TPN-tier scores.

    A field problem names the item: ``answers.<index>.soal_id`` or ``answers.<index>.answer``.
    Allowed from the administrative pass up to (and including) the desk stage.
    """
    if not can_record(actor, Stage.DESK):
        raise PermissionDeniedError
    with scope(pengusulan.instansi_id), transaction.atomic():
        pengusulan = lock(pengusulan, related=("penilaian",))
        if pengusulan.status != PengusulanStatus.PROPOSED:
            raise TransitionNotAllowed(NOT_PROPOSED)
        latest = TPNResult.objects.filter(pengusulan=pengusulan).order_by("-created_at", "-id").first()
        if TPN.find(stage_of(latest), action(Stage.DESK, Outcome.SELESAI)) is None:
            raise TransitionNotAllowed(DESK_NOT_OPEN)
        seen: set[int] = set()
        for index, item in enumerate(answers):
            soal_id = int(item["soal_id"])
            if soal_id in seen:
                raise _field_error(f"answers.{index}.soal_id", SOAL_DUPLICATE, "duplicate")
            seen.add(soal_id)
            soal = soal_get(penilaian=pengusulan.penilaian, soal_id=soal_id)
            if soal is None:
                raise _field_error(f"answers.{index}.soal_id", SOAL_UNKNOWN, "soal_foreign")
            try:
                jawaban_tpn_save(
                    actor=actor,
                    penilaian=pengusulan.penilaian,
                    soal=soal,
                    answer=item.get("answer"),
                    note=item.get("note") or "",
                )
            except ValidationError as exc:
                fields = exc.message_dict if hasattr(exc, "error_dict") else {"answer": exc.messages}
                raise ValidationError(
                    {
                        f"answers.{index}.{name}": [ValidationError(m, code="invalid") for m in messages]
                        for name, messages in fields.items()
                    }
                ) from exc
        scores = _tpn_scores(pengusulan)
    return {"id": str(pengusulan.public_id), "tier": "tpn", "saved": len(answers), "scores": scores}


# -----------------------------------------------------------------------------
# Quotas: KemenPANRB sets how many units an instansi may propose in a year
# -----------------------------------------------------------------------------

QUOTA_INVALID = _("The quota must be a whole number from 0 to 1000.")
QUOTA_YEAR_INVALID = _("Enter a year between 2010 and 2100.")


def proposal_quota_set(*, actor: Membership, instansi: Instansi, tahun: int, max_units: int) -> ProposalQuota:
    """Set (or change) the instansi's proposal quota for a year. KemenPANRB's decision
    (``Cap.TPN_DECIDE``); audited on the instansi. The instansi sees it when it submits (the quota check)."""
    if not is_national(actor) or not actor.can(Cap.TPN_DECIDE):
        raise PermissionDeniedError
    errors = {}
    if not 2010 <= tahun <= 2100:
        errors["tahun"] = ValidationError(QUOTA_YEAR_INVALID, code="invalid")
    if not 0 <= max_units <= 1000:
        errors["max_units"] = ValidationError(QUOTA_INVALID, code="invalid")
    if errors:
        raise ValidationError(errors)
    with scope(instansi.pk), transaction.atomic():
        quota = ProposalQuota.objects.select_for_update().filter(instansi=instansi, tahun=tahun).first()
        before = {"max_units": quota.max_units} if quota else None
        if quota is None:
            quota = ProposalQuota.objects.create(instansi=instansi, tahun=tahun, max_units=max_units)
        elif quota.max_units != max_units:
            quota.max_units = max_units
            quota.save(update_fields=["max_units"])
        audit(actor, "pengusulan.quota_set", quota, before=before, tahun=tahun, max_units=max_units)
        return quota
