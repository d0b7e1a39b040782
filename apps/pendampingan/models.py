"""Pendampingan: what comes before and beside the rencana aksi (DESIGN §6, PermenPANRB 90/2021).

* **Diagnosis** per unit per year: the layanan utama, strategic issues and a risk register of
  corruption and service risks; priorities are the issues and risks sorted by score.
* **Tim kerja ZI** per unit per year: members from the roster with their role (penanggung jawab,
  ketua, sekretaris, coordinator and members per area perubahan: the pokja), the SK in the evidence
  store, and the agen perubahan with the changes each made.
* **TPI pendampingan**: consultation threads (unit ⇄ TPI, and TPI → TPN), assistance sessions
  (asistensi) with follow-up actions, and the reminder claims that make those reminders exactly-once.

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
from apps.core.softdelete import LiveTenantManager, SoftDeleted
from apps.rencana_aksi.models import Area
from apps.tenancy.models import TenantManager, TenantModel

SCORE_HIGH = 15  # likelihood × impact from 15 up is a high risk (a 5 × 5 matrix: 15–25)
SCORE_MEDIUM = 8

# -----------------------------------------------------------------------------
# Diagnosis
# -----------------------------------------------------------------------------


class Diagnosis(TenantModel, TimeStampedModel):
    """Diagnosis — the unit's starting point for one year, recorded before the rencana aksi: its
    core services, strategic issues and risk register."""

    unit = models.ForeignKey(
        "unit_kerja.UnitKerja", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit kerja")
    )
    cycle = models.ForeignKey("unit_kerja.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name=_("year"))
    summary = models.TextField(_("summary"), blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")
        ordering = ["-cycle__tahun", "unit__path"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["instansi", "cycle", "unit"], name="pendampingan_diagnosis_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.cycle}"


class LayananUtama(TenantModel, SoftDeleted):
    """Layanan utama — one core service of the unit with its yearly volume."""

    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.CASCADE, related_name="layanan")
    name = models.CharField(_("service"), max_length=200)
    volume = models.PositiveIntegerField(_("yearly volume"))
    description = models.TextField(_("description"), blank=True)

    objects = LiveTenantManager()  # deleted services are gone from every page; with_deleted finds them
    with_deleted = TenantManager()

    class Meta(TenantModel.Meta):
        verbose_name = _("core service")
        verbose_name_plural = _("core services")
        ordering = ["-volume", "name"]

    def __str__(self) -> str:
        return self.name


def _one_to_five(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 1}) & Q(**{f"{field}__lte": 5}),
        name=name,
        violation_error_message=_("Use a value from 1 to 5."),
    )


class IsuStrategis(TenantModel, SoftDeleted):
    """Isu strategis — a strategic issue of the unit, scored urgency (1–5) × impact (1–5)."""

    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.CASCADE, related_name="isu")
    title = models.CharField(_("issue"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    area = models.PositiveSmallIntegerField(_("area perubahan"), choices=Area.choices, null=True, blank=True)
    urgency = models.PositiveSmallIntegerField(_("urgency (1–5)"))
    impact = models.PositiveSmallIntegerField(_("impact (1–5)"))

    objects = LiveTenantManager()  # deleted issues are gone from every page; with_deleted finds them
    with_deleted = TenantManager()

    class Meta(TenantModel.Meta):
        verbose_name = _("strategic issue")
        verbose_name_plural = _("strategic issues")
        ordering = ["diagnosis", "-id"]
        constraints = [
            *TenantModel.Meta.constraints,
            _one_to_five("urgency", "pendampingan_isu_urgency_1_5"),
            _one_to_five("impact", "pendampingan_isu_impact_1_5"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.urgency * self.impact


class RisikoJenis(models.TextChoices):
    KORUPSI = "korupsi", _("Corruption risk")
    PELAYANAN = "pelayanan", _("Service risk")


class Risiko(TenantModel, TimeStampedModel, SoftDeleted):
    """Risiko — one entry of the risk register: cause, likelihood (1–5) × impact (1–5), the pegawai
    of the unit who owns it, and the mitigation."""

    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.CASCADE, related_name="risiko")
    jenis = models.CharField(_("kind"), max_length=10, choices=RisikoJenis.choices)
    title = models.CharField(_("risk"), max_length=300)
    cause = models.TextField(_("cause"))
    likelihood = models.PositiveSmallIntegerField(_("likelihood (1–5)"))
    impact = models.PositiveSmallIntegerField(_("impact (1–5)"))
    owner = models.ForeignKey(
        "unit_kerja.Pegawai", on_delete=models.PROTECT, related_name="+", verbose_name=_("risk owner")
    )
    mitigation = models.TextField(_("mitigation"), blank=True)
    area = models.PositiveSmallIntegerField(_("area perubahan"), choices=Area.choices, null=True, blank=True)

    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False
    )  # optimistic lock (apps.core.concurrency)

    objects = LiveTenantManager()  # deleted risks are gone from every page; with_deleted finds them
    with_deleted = TenantManager()

    class Meta(TenantModel.Meta):
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["diagnosis", "-id"]
        constraints = [
            *TenantModel.Meta.constraints,
            _one_to_five("likelihood", "pendampingan_risiko_likelihood_1_5"),
            _one_to_five("impact", "pendampingan_risiko_impact_1_5"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def level(self) -> str:
        if self.score >= SCORE_HIGH:
            return "high"
        return "medium" if self.score >= SCORE_MEDIUM else "low"

    @property
    def is_high(self) -> bool:
        return self.score >= SCORE_HIGH


# -----------------------------------------------------------------------------
# Tim kerja ZI
# -----------------------------------------------------------------------------


class Peran(models.TextChoices):
    PENANGGUNG_JAWAB = "penanggung_jawab", _("Penanggung jawab")
    KETUA = "ketua", _("Ketua")
    SEKRETARIS = "sekretaris", _("Sekretaris")
    KOORDINATOR = "koordinator", _("Pokja coordinator")
    ANGGOTA = "anggota", _("Pokja member")


LEAD_ROLES = frozenset({Peran.PENANGGUNG_JAWAB, Peran.KETUA, Peran.SEKRETARIS})
POKJA_ROLES = frozenset({Peran.KOORDINATOR, Peran.ANGGOTA})


class TimKerja(TenantModel, TimeStampedModel):
    """Tim kerja ZI — the unit's team for the year, formed by decree (SK, kept in the evidence store)."""

    unit = models.ForeignKey(
        "unit_kerja.UnitKerja", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit kerja")
    )
    cycle = models.ForeignKey("unit_kerja.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name=_("year"))
    sk_number = models.CharField(_("SK number"), max_length=100, blank=True)
    sk_date = models.DateField(_("SK date"), null=True, blank=True)
    sk_file = models.ForeignKey(
        "bukti_dukung.BuktiDukung",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SK file"),
    )

    class Meta(TenantModel.Meta):
        verbose_name = _("tim kerja ZI")
        verbose_name_plural = _("tim kerja ZI")
        ordering = ["-cycle__tahun", "unit__path"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["instansi", "cycle", "unit"], name="pendampingan_timkerja_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.cycle}"

    @property
    def is_formed(self) -> bool:
        return self.sk_file_id is not None


class AnggotaTim(TenantModel, SoftDeleted):
    """Anggota tim — a pegawai of the unit in the team with one role; coordinators and members of a
    pokja name its area perubahan. A pegawai may sit in several pokja."""

    tim = models.ForeignKey(TimKerja, on_delete=models.CASCADE, related_name="anggota")
    pegawai = models.ForeignKey(
        "unit_kerja.Pegawai", on_delete=models.PROTECT, related_name="+", verbose_name=_("pegawai")
    )
    peran = models.CharField(_("role"), max_length=20, choices=Peran.choices)
    area = models.PositiveSmallIntegerField(_("area perubahan"), choices=Area.choices, null=True, blank=True)

    objects = LiveTenantManager()  # removed members are gone from every page; with_deleted finds them
    with_deleted = TenantManager()

    class Meta(TenantModel.Meta):
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["tim", "area", "peran", "id"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "tim", "pegawai", "peran", "area"],
                condition=Q(deleted_at__isnull=True),
                name="pendampingan_anggota_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=(Q(peran__in=sorted(POKJA_ROLES)) & Q(area__isnull=False))
                | (~Q(peran__in=sorted(POKJA_ROLES)) & Q(area__isnull=True)),
                name="pendampingan_anggota_pokja_has_area",
            ),
            models.UniqueConstraint(
                fields=["instansi", "tim", "peran"],
                condition=Q(peran__in=["penanggung_jawab", "ketua"], deleted_at__isnull=True),
                name="pendampingan_anggota_one_lead",
            ),
            models.UniqueConstraint(
                fields=["instansi", "tim", "area"],
                condition=Q(peran="koordinator", deleted_at__isnull=True),
                name="pendampingan_anggota_one_coordinator",
            ),
        ]
        indexes = [models.Index(fields=["instansi", "pegawai"], name="pendampingan_anggota_peg")]

    def __str__(self) -> str:
        return f"{self.pegawai} — {self.get_peran_display()}"


class AgenPerubahan(TenantModel, TimeStampedModel, SoftDeleted):
    """Agen perubahan — a pegawai of the unit named change agent for the year."""

    tim = models.ForeignKey(TimKerja, on_delete=models.CASCADE, related_name="agen")
    pegawai = models.ForeignKey(
        "unit_kerja.Pegawai", on_delete=models.PROTECT, related_name="+", verbose_name=_("pegawai")
    )

    objects = LiveTenantManager()  # removed agents are gone from every page; with_deleted finds them
    with_deleted = TenantManager()

    class Meta(TenantModel.Meta):
        verbose_name = _("change agent")
        verbose_name_plural = _("change agents")
        ordering = ["tim", "id"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "tim", "pegawai"],
                condition=Q(deleted_at__isnull=True),
                name="pendampingan_agen_unique",
            ),
        ]

    def __str__(self) -> str:
        return str(self.pegawai)


class Perubahan(TenantModel, TimeStampedModel, SoftDeleted):
    """Perubahan — a concrete change a change agent made (feeds LKE soal 88–91)."""

    agen = models.ForeignKey(AgenPerubahan, on_delete=models.CASCADE, related_name="perubahan")
    title = models.CharField(_("change"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    date = models.DateField(_("date"))
    integrated = models.BooleanField(_("integrated into the management system"), default=False)

    objects = LiveTenantManager()  # deleted changes are gone from every page; with_deleted finds them
    with_deleted = TenantManager()

    class Meta(TenantModel.Meta):
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ["agen", "date", "id"]

    def __str__(self) -> str:
        return self.title


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
