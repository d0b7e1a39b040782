"""Rencana aksi: a unit's yearly action plan, its kegiatan, their periodic realisasi (DESIGN §6).

Workflows::

    RencanaAksi   draft ──submit──▶ submitted ──approve (pimpinan unit)──▶ approved
                  submitted ──return──▶ draft
                  approved ──a change, with a reason──▶ draft (revision n+1) ──…──▶ approved
    Realisasi     draft ──submit──▶ submitted ──verify──▶ verified
                  submitted ──return (with a note)──▶ returned ──submit──▶ submitted
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.core.softdelete import LiveTenantManager, SoftDeleted
from apps.lke.models import Area
from apps.tenancy.models import TenantManager, TenantModel

# -----------------------------------------------------------------------------
# Enumerations
# -----------------------------------------------------------------------------


class Frekuensi(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")


class RealisasiStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified")
    RETURNED = "returned", _("Returned")


# -----------------------------------------------------------------------------
# Monitoring setting
# -----------------------------------------------------------------------------


class PengaturanMonitoring(TenantModel, TimeStampedModel):
    """Pengaturan monitoring — how often the instansi's units report realisasi in a year.

    Monthly when no row exists. Fixed once a realisasi of that year exists (periods would shift).
    """

    cycle = models.ForeignKey("unit_kerja.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name=_("year"))
    frekuensi = models.CharField(
        _("monitoring frequency"), max_length=10, choices=Frekuensi.choices, default=Frekuensi.MONTHLY
    )

    class Meta(TenantModel.Meta):
        verbose_name = _("monitoring setting")
        verbose_name_plural = _("monitoring settings")
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["instansi", "cycle"], name="rencana_aksi_pengaturan_unique_cycle"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} {self.get_frekuensi_display()}"


# -----------------------------------------------------------------------------
# Rencana aksi and its revisions
# -----------------------------------------------------------------------------


class RencanaAksi(TenantModel, TimeStampedModel):
    """Rencana aksi — the action plan of one unit kerja for one year (PermenPANRB 90/2021 Lampiran II:
    pembangunan ZI). The pimpinan unit approves it; a change after approval opens a new revision
    (``revision`` + 1) with a required reason, recorded in ``RencanaAksiRevisi``.
    """

    unit = models.ForeignKey(
        "unit_kerja.UnitKerja", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit kerja")
    )
    cycle = models.ForeignKey("unit_kerja.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name=_("year"))
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    approved_revision = models.PositiveSmallIntegerField(_("last approved revision"), default=0)
    ketua_tim = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tim kerja lead"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        verbose_name = _("rencana aksi")
        verbose_name_plural = _("rencana aksi")
        ordering = ["-cycle__tahun", "unit__path"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "cycle", "unit"],
                name="rencana_aksi_rencanaaksi_unique_unit_year",
                violation_error_message=_("This unit already has a rencana aksi for this year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.cycle}"

    @property
    def was_approved(self) -> bool:
        """Approved at least once: monitoring runs on the kegiatan from then on."""
        return self.approved_revision > 0


class RencanaAksiRevisi(TenantModel):
    """Riwayat revisi — one event in the plan's history: an approval, or the opening of a revision
    after approval (with its reason and a snapshot of the kegiatan as approved before the change)."""

    class Event(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned to draft")
        APPROVED = "approved", _("Approved")
        REVISED = "revised", _("Revision opened")

    rencana = models.ForeignKey(RencanaAksi, on_delete=models.CASCADE, related_name="history")
    revision = models.PositiveSmallIntegerField(_("revision"))
    event = models.CharField(_("event"), max_length=10, choices=Event.choices)
    reason = models.TextField(_("reason"), blank=True)
    snapshot = models.JSONField(_("kegiatan at that moment"), default=list, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("rencana aksi history")
        verbose_name_plural = _("rencana aksi history")
        ordering = ["rencana", "-created_at", "-id"]
        indexes = [models.Index(fields=["instansi", "rencana"], name="rencana_aksi_hist_rencana")]

    def __str__(self) -> str:
        return f"{self.rencana} r{self.revision} {self.event}"


# -----------------------------------------------------------------------------
# Kegiatan
# -----------------------------------------------------------------------------


ALL_MONTHS = 0b1111_1111_1111


class Kegiatan(TenantModel, TimeStampedModel, SoftDeleted):
    """Kegiatan — one activity of a rencana aksi, in one area perubahan.

    ``schedule`` is a 12-bit month mask (bit 0 = January): a kegiatan is *due* in a monitoring
    period when its mask meets the period's months, a bitwise AND both PostgreSQL and SQLite run.
    ``soal`` is the LKE soal the kegiatan supports; its evidence can be attached there.
    """

    rencana = models.ForeignKey(RencanaAksi, on_delete=models.CASCADE, related_name="kegiatan")
    area = models.PositiveSmallIntegerField(_("area perubahan"), choices=Area.choices)
    description = models.CharField(_("kegiatan"), max_length=500)
    output = models.CharField(_("output"), max_length=300)
    indicator = models.CharField(_("indicator"), max_length=300)
    target_value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    target_unit = models.CharField(_("target unit"), max_length=50)
    pic = models.ForeignKey(
        "unit_kerja.Pegawai",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person in charge (PIC)"),
    )
    schedule = models.PositiveSmallIntegerField(_("schedule (months)"))
    deadline = models.DateField(_("deadline"))
    budget = models.DecimalField(_("budget (Rp)"), max_digits=16, decimal_places=0, null=True, blank=True)
    soal = models.ForeignKey(
        "lke.Soal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("LKE soal supported"),
    )
    # What the kegiatan answers in the unit's diagnosis (apps.diagnosis): a risk or an issue.
    risiko = models.ForeignKey(
        "diagnosis.Risiko",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kegiatan",
        verbose_name=_("risk answered"),
    )
    isu = models.ForeignKey(
        "diagnosis.IsuStrategis",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kegiatan",
        verbose_name=_("strategic issue answered"),
    )

    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False
    )  # optimistic lock (apps.core.concurrency)

    objects = LiveTenantManager()  # deleted kegiatan are gone from every page; with_deleted finds them
    with_deleted = TenantManager()

    class Meta(TenantModel.Meta):
        verbose_name = _("kegiatan")
        verbose_name_plural = _("kegiatan")
        ordering = ["rencana", "area", "deadline", "id"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(schedule__gte=1) & Q(schedule__lte=ALL_MONTHS),
                name="rencana_aksi_kegiatan_schedule_months",
                violation_error_message=_("Choose at least one month of the schedule."),
            ),
            models.CheckConstraint(
                condition=Q(target_value__gte=0),
                name="rencana_aksi_kegiatan_target_not_negative",
                violation_error_message=_("The target cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="rencana_aksi_kegiatan_budget_not_negative",
                violation_error_message=_("The budget cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["instansi", "deadline"], name="rencana_aksi_keg_deadline")]

    def __str__(self) -> str:
        return self.description

    @property
    def months(self) -> list[int]:
        return [m for m in range(1, 13) if self.schedule & (1 << (m - 1))]


def months_to_mask(months: list[int] | tuple[int, ...] | set[int]) -> int:
    mask = 0
    for month in months:
        mask |= 1 << (int(month) - 1)
    return mask


# -----------------------------------------------------------------------------
# Realisasi
# -----------------------------------------------------------------------------


class Realisasi(TenantModel, TimeStampedModel):
    """Realisasi — what a kegiatan achieved in one monitoring period (``periode``: ``2026-03`` or
    ``2026-Q1``): progress, realised value, narrative and evidence files. The tim kerja lead or the
    pimpinan unit verifies it or returns it with a note."""

    kegiatan = models.ForeignKey(Kegiatan, on_delete=models.CASCADE, related_name="realisasi")
    periode = models.CharField(_("period"), max_length=10)
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    value = models.DecimalField(_("realised value"), max_digits=14, decimal_places=2, null=True, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    evidence = models.ManyToManyField("bukti_dukung.BuktiDukung", blank=True, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=RealisasiStatus.choices, default=RealisasiStatus.DRAFT
    )
    return_note = models.TextField(_("note of the verifier"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("reported by")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False
    )  # optimistic lock (apps.core.concurrency)

    class Meta(TenantModel.Meta):
        verbose_name = _("realisasi")
        verbose_name_plural = _("realisasi")
        ordering = ["kegiatan", "periode"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "kegiatan", "periode"],
                name="rencana_aksi_realisasi_unique_period",
                violation_error_message=_("This kegiatan already has a realisasi for this period."),
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="rencana_aksi_realisasi_progress_max_100",
                violation_error_message=_("Progress is a percentage from 0 to 100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kegiatan} {self.periode}"


# -----------------------------------------------------------------------------
# Reminder claims
# -----------------------------------------------------------------------------


class ReminderKind(models.TextChoices):
    DUE_7 = "due_7", _("Kegiatan due in 7 days")
    DUE_1 = "due_1", _("Kegiatan due tomorrow")
    OVERDUE = "overdue", _("Kegiatan overdue")
    REALISASI_MISSING = "realisasi_missing", _("Realisasi missing at period end")
    WEEKLY_DIGEST = "weekly_digest", _("Weekly digest for the pimpinan unit")
    MONTHLY_SUMMARY = "monthly_summary", _("Monthly summary for admin ZI and TPI")
    PERIOD_REPORT = "period_report", _("Monitoring report at period close")


class PengingatKlaim(TenantModel):
    """Klaim pengingat — the unique claim that makes a periodic job exactly-once per
    ``(kind, item, period)`` (DESIGN §8). The sweep inserts it in the same transaction as the
    notifications it sends; a second sweep (another beat, a retried task) hits the unique constraint
    and sends nothing."""

    kind = models.CharField(_("kind"), max_length=20, choices=ReminderKind.choices)
    item = models.CharField(_("item"), max_length=80)
    period = models.CharField(_("period"), max_length=20)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    created_at = models.DateTimeField(_("claimed at"), auto_now_add=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("reminder claim")
        verbose_name_plural = _("reminder claims")
        ordering = ["-created_at"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "kind", "item", "period"], name="rencana_aksi_pengingat_unique_claim"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.item} {self.period}"
