"""Penilaian: a unit's LKE assessment for a year, its answers per tier, and the TPI review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.tenancy.models import TenantModel

# -----------------------------------------------------------------------------
# TPI set-up: the instansi's tiers and who reviews which unit
# -----------------------------------------------------------------------------


class TPITier(TenantModel):
    """Tingkat TPI — one review tier of the instansi's Tim Penilai Internal (1 to 3 tiers),
    e.g. 1 anggota tim → 2 ketua tim → 3 pengendali teknis (BPS practice). The highest tier closes
    the review."""

    level = models.PositiveSmallIntegerField(_("tier"))
    name = models.CharField(_("name"), max_length=100)

    class Meta(TenantModel.Meta):
        verbose_name = _("TPI tier")
        verbose_name_plural = _("TPI tiers")
        ordering = ["level"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["instansi", "level"], name="penilaian_tpitier_unique_level"),
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=3), name="penilaian_tpitier_level_1_3"),
        ]

    def __str__(self) -> str:
        return f"{self.level}. {self.name}"


class TPIAssignment(TenantModel):
    """Penugasan TPI — a TPI member reviews a unit at a tier in a year."""

    cycle = models.ForeignKey("unit_kerja.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name=_("year"))
    unit = models.ForeignKey(
        "unit_kerja.UnitKerja", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit kerja")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    level = models.PositiveSmallIntegerField(_("tier"))

    class Meta(TenantModel.Meta):
        verbose_name = _("TPI assignment")
        verbose_name_plural = _("TPI assignments")
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "cycle", "unit", "reviewer", "level"], name="penilaian_tpiassignment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.unit} ({self.level})"


# -----------------------------------------------------------------------------
# Penilaian and its answers
# -----------------------------------------------------------------------------


class PenilaianStatus(models.TextChoices):
    DRAFT = "draft", _("Self-assessment")
    IN_REVIEW = "in_review", _("TPI review")
    REVISION = "revision", _("Returned for revision")
    CLOSED = "closed", _("TPI review closed")
    RECOMMENDED = "recommended", _("Recommended")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended")


class Penilaian(TenantModel, TimeStampedModel):
    """Penilaian — the LKE assessment of one designated unit for one year on one template version.

    Workflow (DESIGN §6)::

        draft ──submit──▶ in_review (tier 1) ──complete tier──▶ in_review (tier 2 … n)
                            ▲        │ send returned items back
                            └─resubmit── revision
        in_review (last tier) ──complete──▶ closed ──recommend──▶ recommended | not_recommended

    After submission the unit edits only returned items; after closing everything is read-only.
    """

    unit = models.ForeignKey(
        "unit_kerja.UnitKerja", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit kerja")
    )
    cycle = models.ForeignKey("unit_kerja.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name=_("year"))
    template = models.ForeignKey(
        "lke.LKETemplate", on_delete=models.PROTECT, related_name="+", verbose_name=_("LKE template")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PenilaianStatus.choices, default=PenilaianStatus.DRAFT
    )
    current_level = models.PositiveSmallIntegerField(_("current TPI tier"), default=0)
    # How many times the TPI sent the LKE back: numbers the rounds (and keys their notifications).
    revision_round = models.PositiveSmallIntegerField(_("revision round"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    incomplete_reason = models.TextField(
        _("why submitted with items unanswered"),
        blank=True,
        db_default="",  # rows loaded outside the ORM (the national seeder's COPY) start empty
        help_text=_("Required when the unit submits below 100 % answered (issue 17)."),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("penilaian")
        verbose_name_plural = _("penilaian")
        ordering = ["-cycle__tahun", "unit__name"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["instansi", "cycle", "unit"], name="penilaian_penilaian_unique_unit_year"),
        ]

    def __str__(self) -> str:
        return f"LKE {self.unit} {self.cycle}"


class Tier(models.TextChoices):
    UNIT = "unit", _("Unit")
    TPI = "tpi", _("TPI")
    TPN = "tpn", _("TPN")


class Jawaban(TenantModel):
    """Jawaban — one answer to one soal by one tier (the unit, a TPI tier, or TPN).

    Tiers never overwrite each other: each keeps its own row (REFERENCE §2.6). ``answer`` is the
    normalised text (option key or number). ``version`` guards against lost updates: a save from
    a stale version is refused with a conflict.
    """

    penilaian = models.ForeignKey(Penilaian, on_delete=models.CASCADE, related_name="jawaban")
    soal = models.ForeignKey("lke.Soal", on_delete=models.PROTECT, related_name="+")
    tier = models.CharField(_("tier"), max_length=5, choices=Tier.choices)
    level = models.PositiveSmallIntegerField(_("TPI tier"), default=0)
    answer = models.CharField(_("answer"), max_length=20, null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    evidence_link = models.URLField(_("evidence link"), max_length=500, blank=True)
    evidence = models.ManyToManyField(
        "bukti_dukung.BuktiDukung", blank=True, related_name="+", verbose_name=_("evidence")
    )
    revision_count = models.PositiveIntegerField(_("revisions"), default=0)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("jawaban")
        verbose_name_plural = _("jawaban")
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "penilaian", "soal", "tier", "level"], name="penilaian_jawaban_unique_tier"
            ),
        ]
        indexes = [models.Index(fields=["instansi", "penilaian", "tier", "level"], name="penilaian_jawaban_tier")]

    def __str__(self) -> str:
        return f"{self.soal_id} {self.tier}{self.level or ''}: {self.answer}"


class ReturnStatus(models.TextChoices):
    OPEN = "open", _("To be fixed")
    FIXED = "fixed", _("Waiting for re-check")
    ACCEPTED = "accepted", _("Re-checked")


class ItemReturn(TenantModel, TimeStampedModel):
    """Pengembalian — a TPI tier returns one soal to the unit for revision, with what to fix."""

    penilaian = models.ForeignKey(Penilaian, on_delete=models.CASCADE, related_name="returns")
    soal = models.ForeignKey("lke.Soal", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("TPI tier"))
    note = models.TextField(_("what to fix"))
    status = models.CharField(_("status"), max_length=10, choices=ReturnStatus.choices, default=ReturnStatus.OPEN)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("returned item")
        verbose_name_plural = _("returned items")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["instansi", "penilaian", "status"], name="penilaian_return_status")]

    def __str__(self) -> str:
        return f"{self.penilaian} soal {self.soal_id}"


class ItemReturnEvent(TenantModel):
    """Riwayat pengembalian — one step in the life of a returned item, so the LHE can show its
    history: returned (with what to fix; again if the fix was not enough), fixed by the unit
    (a revision), accepted by the reviewer after re-checking. Append-only."""

    class Kind(models.TextChoices):
        RETURNED = "returned", _("Returned for revision")
        FIXED = "fixed", _("Fixed by the unit")
        ACCEPTED = "accepted", _("Re-checked and accepted")

    item = models.ForeignKey(ItemReturn, on_delete=models.CASCADE, related_name="events", verbose_name=_("item"))
    kind = models.CharField(_("step"), max_length=10, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(_("TPI tier"))
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("returned item step")
        verbose_name_plural = _("returned item history")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["instansi", "item"], name="penilaian_return_event_item")]

    def __str__(self) -> str:
        return f"{self.item} {self.kind}"


class AreaAssignment(TenantModel):
    """Pembagian area — a tim kerja (pokja) member is responsible for one area perubahan (1–6) of
    a penilaian, or the hasil part (7)."""

    penilaian = models.ForeignKey(Penilaian, on_delete=models.CASCADE, related_name="area_assignments")
    area = models.PositiveSmallIntegerField(_("area"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(TenantModel.Meta):
        verbose_name = _("area assignment")
        verbose_name_plural = _("area assignments")
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["instansi", "penilaian", "area", "assignee"], name="penilaian_area_unique"),
            models.CheckConstraint(condition=Q(area__gte=1) & Q(area__lte=7), name="penilaian_area_1_7"),
        ]


class Recommendation(TenantModel, TimeStampedModel):
    """Rekomendasi TPI — the TPI's recommendation to the pimpinan instansi after closing the review."""

    class Decision(models.TextChoices):
        LAYAK_WBK = "layak_wbk", _("Fit to be proposed for WBK")
        LAYAK_WBBM = "layak_wbbm", _("Fit to be proposed for WBBM")
        BELUM_LAYAK = "belum_layak", _("Not yet fit")

    penilaian = models.OneToOneField(Penilaian, on_delete=models.CASCADE, related_name="recommendation")
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    reasons = models.TextField(_("reasons"))
    threshold_reason = models.TextField(
        _("why fit although the thresholds are not met"),
        blank=True,
        db_default="",  # rows loaded outside the ORM (the national seeder's COPY) start empty
        help_text=_("Required for a 'layak' decision when the final tier misses a threshold; printed in the LHE."),
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(TenantModel.Meta):
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
