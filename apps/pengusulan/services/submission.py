"""What submitting and correcting a proposal need: the predikat the TPI recommended, the gates
(quota, eligibility, thresholds, the letter with its SPTJM), the frozen snapshot and the notice."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.errors import DomainError, TransitionNotAllowed
from apps.notifications.services import notify
from apps.pengusulan.eligibility import blocking, eligibility_checks, eligibility_facts
from apps.pengusulan.models import Pengusulan, PengusulanSnapshot, Predikat, ProposalQuota, SuratPengusulan
from apps.pengusulan.selectors import pengusulan_managers
from apps.pengusulan.services.common import S
from apps.pengusulan.snapshot import snapshot_build, snapshot_hash
from apps.penilaian.models import Penilaian, PenilaianStatus, Recommendation
from apps.penilaian.selectors import penilaian_unit_team
from apps.penilaian.thresholds import ThresholdReport, final_tpi_report
from apps.tenancy.models import Membership

NOT_RECOMMENDED = _("Only a unit the TPI recommended as fit (layak) can be proposed.")
NOT_ELIGIBLE = _("The proposal does not meet the requirements: %(items)s.")
QUOTA_FULL = _("The quota of %(max)s proposed units for %(tahun)s is reached.")
NO_LETTER = _("Prepare the proposal letter (surat pengusulan) of this year first.")
NO_SPTJM = _("Attach the signed SPTJM or confirm it in the app before submitting.")
BELOW_THRESHOLD = _(
    "The final TPI tier (%(tier)s, total %(total)s) does not meet every threshold of %(predikat)s: %(failures)s. "
    "Only an afirmasi unit may be proposed below them, with a written reason."
)
AFIRMASI_REASON_REQUIRED = _(
    "The final TPI tier misses these thresholds of %(predikat)s: %(failures)s. Write why this afirmasi unit is "
    "proposed anyway."
)


def _allowed_predikat(penilaian: Penilaian) -> set[str]:
    recommendation = Recommendation.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian).first()
    if penilaian.status != PenilaianStatus.RECOMMENDED or recommendation is None:
        return set()
    if recommendation.decision == Recommendation.Decision.LAYAK_WBBM:
        return {Predikat.WBK, Predikat.WBBM}
    if recommendation.decision == Recommendation.Decision.LAYAK_WBK:
        return {Predikat.WBK}
    return set()


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
