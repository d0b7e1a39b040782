"""TPN: national personal API tokens and the append-only TPN results of a pengusulan (REFERENCE §1.3 f–h)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.tenancy.models import TenantModel


class ApiToken(models.Model):
    """Token API pribadi — a personal bearer token of a national user (KemenPANRB / TPN) for ``/api/v1/``.

    Not a tenant model: national users have no instansi. Only the SHA-256 of the token is stored;
    the token is shown once, when issued.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(_("token hash (SHA-256)"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("token prefix"), max_length=16, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Stage(models.TextChoices):
    """The TPN stages of a proposal, in order (90/2021 Lampiran II Bab III and Bab IV C)."""

    ADMINISTRASI = "administrasi", _("Administrative selection")
    SANGGAHAN = "sanggahan", _("Objection (sanggahan)")
    DESK = "desk", _("Desk evaluation")
    LAPANGAN = "lapangan", _("Field evaluation")
    PENETAPAN = "penetapan", _("Decision (penetapan)")
    PENCABUTAN = "pencabutan", _("Revocation (pencabutan)")


class Outcome(models.TextChoices):
    """The outcome of a stage; which outcomes belong to which stage is ``STAGE_OUTCOMES``."""

    LULUS = "lulus", _("Passed")
    LULUS_CATATAN = "lulus_catatan", _("Passed with notes")
    TIDAK_LULUS = "tidak_lulus", _("Did not pass")
    DITERIMA = "diterima", _("Objection accepted")
    DITOLAK = "ditolak", _("Objection rejected")
    SELESAI = "selesai", _("Completed")
    DITETAPKAN_WBK = "ditetapkan_wbk", _("Designated WBK")
    DITETAPKAN_WBBM = "ditetapkan_wbbm", _("Designated WBBM")
    TIDAK_DITETAPKAN = "tidak_ditetapkan", _("Not designated")
    DICABUT = "dicabut", _("Revoked")


STAGE_OUTCOMES: dict[str, tuple[str, ...]] = {
    Stage.ADMINISTRASI: (Outcome.LULUS, Outcome.LULUS_CATATAN, Outcome.TIDAK_LULUS),
    Stage.SANGGAHAN: (Outcome.DITERIMA, Outcome.DITOLAK),
    Stage.DESK: (Outcome.SELESAI,),
    Stage.LAPANGAN: (Outcome.SELESAI,),
    Stage.PENETAPAN: (Outcome.DITETAPKAN_WBK, Outcome.DITETAPKAN_WBBM, Outcome.TIDAK_DITETAPKAN),
    Stage.PENCABUTAN: (Outcome.DICABUT,),
}


class TPNResult(TenantModel):
    """Hasil TPN — one result recorded by TPN/KemenPANRB on a proposal: administrative selection,
    sanggahan, desk evaluation (with the TPN-tier scores), field evaluation, penetapan (with the
    decree) or pencabutan (with reason and date).

    Append-only: a correction is a new row; the latest row is the proposal's stage. Lives in the
    proposing instansi's tenant so the instansi reads its own results through ``objects``.
    """

    pengusulan = models.ForeignKey(
        "pengusulan.Pengusulan", on_delete=models.PROTECT, related_name="tpn_results", verbose_name=_("pengusulan")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    notes = models.TextField(_("notes"), blank=True)
    scores = models.JSONField(_("TPN-tier scores"), null=True, blank=True)
    decree_number = models.CharField(_("decree number"), max_length=100, blank=True)
    decree_date = models.DateField(_("decree date"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    override_reason = models.TextField(
        _("reason for designating below the thresholds"),
        blank=True,
        db_default="",  # rows loaded outside the ORM (the national seeder's COPY) start empty
        help_text=_("Required when a designation is made over a TPN score below a threshold; shown to the instansi."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True, db_index=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("TPN result")
        verbose_name_plural = _("TPN results")
        ordering = ["created_at", "id"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(stage="penetapan", outcome__in=["ditetapkan_wbk", "ditetapkan_wbbm"])
                | (Q(decree_date__isnull=False) & ~Q(decree_number="")),
                name="tpn_result_penetapan_has_decree",
                violation_error_message=_("A designation needs its decree number and date."),
            ),
            models.CheckConstraint(
                condition=~Q(stage="pencabutan") | Q(revoked_on__isnull=False),
                name="tpn_result_pencabutan_has_date",
                violation_error_message=_("A revocation needs its date."),
            ),
        ]
        indexes = [models.Index(fields=["instansi", "pengusulan", "created_at"], name="tpn_result_inst_peng_time")]

    def __str__(self) -> str:
        return f"{self.pengusulan_id} {self.stage}:{self.outcome}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Append-only: results are never edited; a correction is a new row.
        if self.pk is not None:
            raise ValueError("TPNResult is append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
