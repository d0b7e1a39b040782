"""Pendampingan: the TPI's accompaniment of a unit beside the rencana aksi (DESIGN §6,
PermenPANRB 90/2021): consultation threads (unit ⇄ TPI, and TPI → TPN), assistance sessions
(asistensi) with follow-up actions, and the reminder claims that make those reminders exactly-once.
The unit's diagnosis and its tim kerja ZI live below, in ``apps.diagnosis`` and ``apps.timkerja``.

Workflows::

    Konsultasi   open ──TPI (or TPN) replies──▶ answered ──the asking side replies──▶ open
                 open/answered ──close──▶ closed   (no reply to a closed thread)
    TindakLanjut open ──done──▶ done
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.tenancy.models import TenantModel

# -----------------------------------------------------------------------------
# Consultation threads
# -----------------------------------------------------------------------------


class KonsultasiStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Pihak(models.TextChoices):
    """Who wrote a message (and who may answer whom)."""

    UNIT = "unit", _("Unit")
    TPI = "tpi", _("TPI")
    TPN = "tpn", _("KemenPANRB / TPN")


class Konsultasi(TenantModel, TimeStampedModel):
    """Konsultasi — a thread between a unit and its TPI (general, or about one LKE soal or one
    kegiatan), or — flagged ``for_tpn`` — a question from the TPI to KemenPANRB/TPN."""

    unit = models.ForeignKey(
        "unit_kerja.UnitKerja",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit kerja"),
    )
    cycle = models.ForeignKey("unit_kerja.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name=_("year"))
    subject = models.CharField(_("subject"), max_length=200)
    soal = models.ForeignKey(
        "lke.Soal", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("LKE soal")
    )
    kegiatan = models.ForeignKey(
        "rencana_aksi.Kegiatan",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kegiatan"),
    )
    for_tpn = models.BooleanField(_("question to KemenPANRB / TPN"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=KonsultasiStatus.choices, default=KonsultasiStatus.OPEN
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    last_message_at = models.DateTimeField(_("last message"), null=True, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-last_message_at", "-id"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.CheckConstraint(
                condition=Q(for_tpn=True) | Q(unit__isnull=False), name="pendampingan_konsultasi_unit_thread_has_unit"
            ),
        ]
        indexes = [
            models.Index(fields=["instansi", "unit", "cycle"], name="pendampingan_kons_unit"),
            models.Index(fields=["for_tpn", "status"], name="pendampingan_kons_tpn"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def asking_side(self) -> str:
        return Pihak.TPI if self.for_tpn else Pihak.UNIT

    @property
    def answering_side(self) -> str:
        return Pihak.TPN if self.for_tpn else Pihak.TPI


class PesanKonsultasi(TenantModel):
    """Pesan — one message of a thread, with its attachments from the evidence store."""

    konsultasi = models.ForeignKey(Konsultasi, on_delete=models.CASCADE, related_name="pesan")
    side = models.CharField(_("side"), max_length=5, choices=Pihak.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    attachments = models.ManyToManyField("bukti_dukung.BuktiDukung", blank=True, related_name="+")
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["konsultasi", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.konsultasi} #{self.pk}"


# -----------------------------------------------------------------------------
# Asistensi and follow-up actions
# -----------------------------------------------------------------------------


class Asistensi(TenantModel, TimeStampedModel):
    """Asistensi — an assistance session of the TPI with the unit: date, attendees, topics, notes."""

    unit = models.ForeignKey(
        "unit_kerja.UnitKerja", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit kerja")
    )
    cycle = models.ForeignKey("unit_kerja.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name=_("year"))
    date = models.DateField(_("date"))
    attendees = models.ManyToManyField(
        "unit_kerja.Pegawai", blank=True, related_name="+", verbose_name=_("attendees of the unit")
    )
    other_attendees = models.TextField(_("other attendees (TPI and guests)"), blank=True)
    topics = models.TextField(_("topics"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta(TenantModel.Meta):
        verbose_name = _("assistance session")
        verbose_name_plural = _("assistance sessions")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.unit} {self.date}"


class TindakLanjutStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class TindakLanjut(TenantModel, TimeStampedModel):
    """Tindak lanjut — a follow-up action of an asistensi: an owner of the unit and a due date,
    tracked to done; the reminder sweep nags its owner."""

    asistensi = models.ForeignKey(Asistensi, on_delete=models.CASCADE, related_name="tindak_lanjut")
    description = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey("unit_kerja.Pegawai", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=5, choices=TindakLanjutStatus.choices, default=TindakLanjutStatus.OPEN
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_note = models.TextField(_("what was done"), blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["instansi", "status", "due_date"], name="pendampingan_tl_due")]

    def __str__(self) -> str:
        return self.description


class PengingatKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Follow-up action due within 3 days")
    OVERDUE = "overdue", _("Follow-up action overdue")


class PengingatTindakLanjut(TenantModel):
    """Klaim pengingat — the unique row that makes a follow-up reminder exactly-once per
    ``(kind, action, period)`` (DESIGN §8), inserted in the same transaction as the notices."""

    kind = models.CharField(_("kind"), max_length=10, choices=PengingatKind.choices)
    tindak_lanjut = models.ForeignKey(TindakLanjut, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("period"), max_length=20)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    created_at = models.DateTimeField(_("claimed at"), auto_now_add=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("follow-up reminder claim")
        verbose_name_plural = _("follow-up reminder claims")
        ordering = ["-created_at"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "kind", "tindak_lanjut", "period"], name="pendampingan_pengingat_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.tindak_lanjut_id} {self.period}"
