"""Pencanangan and Pakta Integritas (DESIGN §6, REFERENCE §1.3 b).

* ``PaktaText`` — the instansi's pact text, versioned: editing it adds a version, so every signature
  points at the exact words signed.
* ``PaktaIntegritas`` — one pegawai's signature for one year, with the rendered text, its SHA-256,
  how it was confirmed (password, one-time link, scanned paper) and a public verification code.
* ``SigningLink`` — a personal one-time link for a pegawai without an account (only its hash is kept).
* ``Pencanangan`` and ``PernyataanKomitmen`` — the unit's declaration and its head's signed commitment.
* ``PaktaRequest`` — the claim row that makes every request and reminder exactly-once (DESIGN §8).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.tenancy.models import TenantModel

DEFAULT_THRESHOLD_PCT = 90


class PaktaSetting(TenantModel, TimeStampedModel):
    """The instansi's rule for "all or most pegawai": the share that must have signed."""

    threshold_pct = models.PositiveSmallIntegerField(
        _("coverage threshold (%)"),
        default=DEFAULT_THRESHOLD_PCT,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("The share of active pegawai that must have signed for a unit to count as covered."),
    )
    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False
    )  # optimistic lock (apps.core.concurrency)

    class Meta(TenantModel.Meta):
        verbose_name = _("pakta setting")
        verbose_name_plural = _("pakta settings")
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["instansi"], name="pencanangan_setting_one_per_instansi"),
        ]


class PaktaText(TenantModel):
    """Teks Pakta Integritas — one version of the instansi's pact text. Never edited: a change is a
    new version. Placeholders: ``{nama}``, ``{nip}``, ``{jabatan}``, ``{unit}``, ``{instansi}``,
    ``{tahun}``."""

    version = models.PositiveIntegerField(_("version"))
    body = models.TextField(_("text"))
    sha256 = models.CharField(_("SHA-256 of the text"), max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("pakta integritas text")
        verbose_name_plural = _("pakta integritas texts")
        ordering = ["-version"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["instansi", "version"], name="pencanangan_text_unique_version"),
        ]

    def __str__(self) -> str:
        return f"v{self.version}"


class SignMethod(models.TextChoices):
    PASSWORD = "password", _("In the app, confirmed with the password")
    LINK = "link", _("Through a personal one-time link")
    SCAN = "scan", _("Scanned paper (uploaded by the operator)")


class PaktaIntegritas(TenantModel):
    """Pakta Integritas — one pegawai's signature for one year.

    The name, NIP, position and unit are copied at signing: a later transfer or rename does not
    change what was signed. At most one standing signature per pegawai per year (a partial unique
    constraint, so concurrent submits cannot both win); a revoked one stays as history.
    """

    cycle = models.ForeignKey("unit_kerja.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name=_("year"))
    pegawai = models.ForeignKey(
        "unit_kerja.Pegawai", on_delete=models.PROTECT, related_name="pakta", verbose_name=_("pegawai")
    )
    unit = models.ForeignKey(
        "unit_kerja.UnitKerja", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit at signing")
    )
    text_version = models.ForeignKey(PaktaText, on_delete=models.PROTECT, related_name="+", verbose_name=_("text"))
    text = models.TextField(_("text signed"))
    text_sha256 = models.CharField(_("SHA-256 of the text signed"), max_length=64)
    name = models.CharField(_("name"), max_length=150)
    nip = models.CharField(_("NIP"), max_length=18)
    position = models.CharField(_("position"), max_length=200, blank=True)
    method = models.CharField(_("confirmed by"), max_length=10, choices=SignMethod.choices)
    signed_at = models.DateTimeField(_("signed at"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
        help_text=_("The pegawai's own account, or the operator who uploaded the scan."),
    )
    scan = models.ForeignKey(
        "bukti_dukung.BuktiDukung",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scanned signed pact"),
    )
    verify_code = models.CharField(_("verification code"), max_length=16, unique=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revoking"), max_length=255, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("pakta integritas")
        verbose_name_plural = _("pakta integritas")
        ordering = ["-signed_at"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "cycle", "pegawai"],
                condition=Q(revoked_at__isnull=True),
                name="pencanangan_pakta_one_per_pegawai_year",
            ),
        ]
        indexes = [models.Index(fields=["instansi", "cycle", "unit"], name="pencan_pakta_inst_cyc_unit")]

    def __str__(self) -> str:
        return f"{self.name} ({self.cycle_id})"

    @property
    def stands(self) -> bool:
        return self.revoked_at is None


class SigningLink(TenantModel):
    """Tautan tanda tangan — a personal one-time link for one pegawai and one year. The token is
    shown once and only its SHA-256 is stored; a new link cancels the earlier ones."""

    cycle = models.ForeignKey("unit_kerja.Cycle", on_delete=models.PROTECT, related_name="+")
    pegawai = models.ForeignKey("unit_kerja.Pegawai", on_delete=models.PROTECT, related_name="+")
    token_sha256 = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("signing link")
        verbose_name_plural = _("signing links")
        indexes = [models.Index(fields=["instansi", "cycle", "pegawai"], name="pencan_link_inst_peg")]


class PencananganForm(models.TextChoices):
    CEREMONY = "ceremony", _("A ceremony (upacara pencanangan)")
    INAUGURATION = "inauguration", _("At an inauguration (pelantikan CPNS/PNS)")
    TRANSFER = "transfer", _("At a transfer or handover (serah terima jabatan)")
    OTHER = "other", _("Another occasion")


class PencananganStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    DECLARED = "declared", _("Declared")


class Pencanangan(TenantModel, TimeStampedModel):
    """Pencanangan — the unit's declaration of commitment to build ZI in a year."""

    cycle = models.ForeignKey("unit_kerja.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name=_("year"))
    unit = models.ForeignKey(
        "unit_kerja.UnitKerja", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit kerja")
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    form = models.CharField(_("form"), max_length=20, choices=PencananganForm.choices, default=PencananganForm.CEREMONY)
    witnesses = models.TextField(_("witnesses"), blank=True, help_text=_("One per line: name and institution."))
    publication_links = models.TextField(
        _("publication links"), blank=True, help_text=_("One address per line: news, the unit's social accounts.")
    )
    documents = models.ManyToManyField(
        "bukti_dukung.BuktiDukung", blank=True, related_name="+", verbose_name=_("documents (berita acara, photos)")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PencananganStatus.choices, default=PencananganStatus.DRAFT
    )
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False
    )  # optimistic lock (apps.core.concurrency)

    class Meta(TenantModel.Meta):
        verbose_name = _("pencanangan")
        verbose_name_plural = _("pencanangan")
        ordering = ["-date"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["instansi", "cycle", "unit"], name="pencanangan_unique_unit_year"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.date}"

    @property
    def links(self) -> list[str]:
        return [line.strip() for line in self.publication_links.splitlines() if line.strip()]


class PernyataanKomitmen(TenantModel):
    """Pernyataan komitmen — the head of the unit's commitment, confirmed in the app with their
    password: the exact text, its SHA-256, who and when."""

    pencanangan = models.OneToOneField(Pencanangan, on_delete=models.PROTECT, related_name="komitmen")
    text = models.TextField(_("statement"))
    sha256 = models.CharField(_("SHA-256 of the statement"), max_length=64)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed at"))

    class Meta(TenantModel.Meta):
        verbose_name = _("statement of commitment")
        verbose_name_plural = _("statements of commitment")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("No email address")
    FAILED = "failed", _("Failed")


class PaktaRequest(TenantModel):
    """One request to sign sent to one pegawai: the first ask (``round_key`` = "ask") or a reminder
    round ("round-<n>"). The unique constraint is the claim: a retried task or a second worker finds
    the row and sends nothing (DESIGN §8)."""

    cycle = models.ForeignKey("unit_kerja.Cycle", on_delete=models.PROTECT, related_name="+")
    pegawai = models.ForeignKey("unit_kerja.Pegawai", on_delete=models.PROTECT, related_name="+")
    round_key = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    error = models.TextField(blank=True)
    # The email step's claim (the link email leaves after the commit, apps/pencanangan/reminders.py):
    # null until a worker starts sending; older than the task time limit means that worker died.
    sending_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("request to sign")
        verbose_name_plural = _("requests to sign")
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "cycle", "pegawai", "round_key"], name="pencanangan_request_once"
            ),
        ]


class ReminderRound(TenantModel):
    """A reminder round started by an operator (or the weekly beat) for a unit's unsigned pegawai."""

    cycle = models.ForeignKey("unit_kerja.Cycle", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("unit_kerja.UnitKerja", on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=40)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("reminder round")
        verbose_name_plural = _("reminder rounds")
        ordering = ["-created_at"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["instansi", "cycle", "unit", "key"], name="pencanangan_round_unique"),
        ]
