"""Unit kerja register, pegawai roster, the yearly cycle and penetapan (DESIGN §6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.tenancy.models import TenantModel
from apps.unit_kerja.validators import validate_nip

# -----------------------------------------------------------------------------
# Unit kerja
# -----------------------------------------------------------------------------


class UnitKind(models.TextChoices):
    ESELON_I = "eselon_i", _("Eselon I unit")
    ESELON_II = "eselon_ii", _("Eselon II unit / satker")
    KANTOR_WILAYAH = "kanwil", _("Regional office")
    UPT = "upt", _("Technical implementation unit (UPT)")
    DINAS = "dinas", _("Dinas")
    BADAN = "badan", _("Badan")
    RSUD = "rsud", _("Regional hospital (RSUD)")
    PUSKESMAS = "puskesmas", _("Puskesmas")
    KECAMATAN = "kecamatan", _("Kecamatan")
    SEKOLAH = "sekolah", _("School")
    LAINNYA = "lainnya", _("Other")


class UnitKerja(TenantModel, TimeStampedModel):
    """Unit kerja — a work unit of an instansi, in a tree (parent → children).

    ZI is built per unit kerja (PermenPANRB 90/2021 Lampiran I). ``path`` holds the chain of ids
    (``/1/7/12/``) so that a subtree is one indexed ``startswith`` query.
    """

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent unit")
    )
    code = models.CharField(_("unit code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices, default=UnitKind.LAINNYA)
    address = models.TextField(_("address"), blank=True)
    head = models.ForeignKey(
        "unit_kerja.Pegawai",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("head of unit"),
    )
    path = models.CharField(max_length=255, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False
    )  # optimistic lock (apps.core.concurrency)

    class Meta(TenantModel.Meta):
        verbose_name = _("unit kerja")
        verbose_name_plural = _("unit kerja")
        ordering = ["path"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "code"],
                name="unit_kerja_unitkerja_unique_code",
                violation_error_message=_("Another unit of this instansi already uses this code."),
            ),
        ]
        indexes = [
            # Subtree reads are ``path__under`` (apps.core.lookups): a byte-wise range on PostgreSQL,
            # which only a pattern-ops index serves (other databases ignore opclasses).
            models.Index(
                fields=["instansi", "path"],
                name="unit_kerja_inst_path_like",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            # Tree order (``ORDER BY path``) with a LIMIT — keyset pages of the largest instansi's
            # units — needs the default opclass: a pattern-ops index cannot return rows in that order.
            models.Index(fields=["instansi", "path"], name="unit_kerja_inst_path"),
        ]

    def __str__(self) -> str:
        return self.name

    def is_in_subtree_of(self, root: UnitKerja) -> bool:
        """True for ``root`` itself and every unit below it (a pure check on the stored paths)."""
        return bool(root.path) and self.path.startswith(root.path)


# -----------------------------------------------------------------------------
# Pegawai
# -----------------------------------------------------------------------------


class Pegawai(TenantModel, TimeStampedModel):
    """Pegawai — an employee on a unit's roster, whether or not they have a login.

    The NIP is unique within the instansi. A pegawai who leaves (``is_active=False``) keeps their
    history (signatures, assignments); a transfer changes ``unit``.
    """

    unit = models.ForeignKey(UnitKerja, on_delete=models.PROTECT, related_name="pegawai", verbose_name=_("unit kerja"))
    nip = models.CharField(_("NIP"), max_length=18, validators=[validate_nip])
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position (jabatan)"), max_length=200, blank=True)
    rank = models.CharField(_("rank (pangkat/golongan)"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("login"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False
    )  # optimistic lock (apps.core.concurrency)

    class Meta(TenantModel.Meta):
        verbose_name = _("pegawai")
        verbose_name_plural = _("pegawai")
        ordering = ["name"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "nip"],
                name="unit_kerja_pegawai_unique_nip",
                violation_error_message=_("A pegawai with this NIP is already on the roster."),
            ),
        ]
        indexes = [models.Index(fields=["instansi", "unit", "is_active"], name="unit_kerja_peg_inst_unit")]

    def __str__(self) -> str:
        return f"{self.name} ({self.nip})"


# -----------------------------------------------------------------------------
# Cycle (tahun) with its date windows
# -----------------------------------------------------------------------------


class Cycle(TenantModel, TimeStampedModel):
    """Siklus tahun — the instansi's ZI year with its date windows (DESIGN §6).

    Windows: LKE filling by units, TPI review, revision, and the proposal to KemenPANRB, which
    closes on 31 May of the year unless TPN sets another date.
    """

    tahun = models.PositiveSmallIntegerField(_("year"))
    fill_start = models.DateField(_("self-assessment opens"))
    fill_end = models.DateField(_("self-assessment closes"))
    review_start = models.DateField(_("TPI review opens"))
    review_end = models.DateField(_("TPI review closes"))
    revision_start = models.DateField(_("revision opens"))
    revision_end = models.DateField(_("revision closes"))
    proposal_end = models.DateField(_("proposal deadline"))
    is_open = models.BooleanField(_("open"), default=True)

    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False
    )  # optimistic lock (apps.core.concurrency)

    class Meta(TenantModel.Meta):
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["-tahun"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "tahun"],
                name="unit_kerja_cycle_unique_tahun",
                violation_error_message=_("This year has already been opened."),
            ),
            models.CheckConstraint(
                condition=Q(fill_start__lte=models.F("fill_end"))
                & Q(review_start__lte=models.F("review_end"))
                & Q(revision_start__lte=models.F("revision_end")),
                name="unit_kerja_cycle_windows_ordered",
                violation_error_message=_("Each window must open before it closes."),
            ),
            models.CheckConstraint(
                condition=Q(proposal_end__gt=models.F("fill_end")),
                name="unit_kerja_cycle_proposal_after_fill",
                violation_error_message=_("The proposal deadline must come after the self-assessment closes."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.tahun)


# -----------------------------------------------------------------------------
# Penetapan
# -----------------------------------------------------------------------------


class AfirmasiType(models.TextChoices):
    """Stranas-PK affirmation unit types (PermenPANRB 5/2024)."""

    RSUD = "rsud", _("Regional hospital (RSUD)")
    DUKCAPIL = "dukcapil", _("Population and civil registry (Dukcapil)")
    SAMSAT = "samsat", _("One-roof administration (Samsat)")
    PTSP = "ptsp", _("One-stop integrated service (PTSP)")
    PENDIDIKAN = "pendidikan", _("Education services")
    KETENAGAKERJAAN = "ketenagakerjaan", _("Employment services")


class PenetapanStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    DESIGNATED = "designated", _("Designated")


class Penetapan(TenantModel, TimeStampedModel):
    """Penetapan — designation of a unit kerja as a ZI pilot for a year, by decree (SK).

    Criteria (PermenPANRB 90/2021): core service, high corruption risk, broad public impact; each
    criterion met carries its justification. Workflow: proposed → designated (needs the SK number,
    date and file).
    """

    unit = models.ForeignKey(
        UnitKerja, on_delete=models.PROTECT, related_name="penetapan", verbose_name=_("unit kerja")
    )
    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="penetapan", verbose_name=_("year"))
    is_core_service = models.BooleanField(_("delivers the instansi's core service"), default=False)
    core_service_reason = models.TextField(_("justification (core service)"), blank=True)
    is_high_risk = models.BooleanField(_("high corruption risk"), default=False)
    high_risk_reason = models.TextField(_("justification (corruption risk)"), blank=True)
    is_broad_impact = models.BooleanField(_("broad public impact"), default=False)
    broad_impact_reason = models.TextField(_("justification (public impact)"), blank=True)
    afirmasi_type = models.CharField(_("afirmasi type"), max_length=20, choices=AfirmasiType.choices, blank=True)
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
    status = models.CharField(
        _("status"), max_length=20, choices=PenetapanStatus.choices, default=PenetapanStatus.PROPOSED
    )
    designated_at = models.DateTimeField(_("designated at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta(TenantModel.Meta):
        verbose_name = _("penetapan")
        verbose_name_plural = _("penetapan")
        ordering = ["-cycle__tahun", "unit__name"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "cycle", "unit"],
                name="unit_kerja_penetapan_unique_unit_year",
                violation_error_message=_("This unit already has a penetapan for this year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.cycle}"

    @property
    def is_afirmasi(self) -> bool:
        return bool(self.afirmasi_type)


# -----------------------------------------------------------------------------
# Import jobs (the roster import runs in the background)
# -----------------------------------------------------------------------------


def import_job_upload_path(instance: ImportJob, filename: str) -> str:
    return f"instansi/{instance.instansi_id}/imports/{instance.public_id.hex}"


class ImportKind(models.TextChoices):
    PEGAWAI = "pegawai", _("Pegawai roster")
    UNIT = "unit", _("Unit kerja register")
    KEGIATAN = "kegiatan", _("Kegiatan of a rencana aksi")


class ImportJobStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being processed")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class ImportJob(TenantModel):
    """Impor — one uploaded roster, unit register or kegiatan file and what importing it did (issue 21).

    Created ``pending`` by ``import_job_create`` once the upload passed its own checks (size, virus
    scan), with the file kept in the instansi's storage; the ``run_import_job`` task imports it with
    the importer's membership (their instansi and unit scope) through the same import service the
    synchronous page used (a kind of an app above registers its service with
    ``apps.unit_kerja.services.import_kind_register``, with what it imports into in ``params``).
    The job page polls the row.

    Workflow: pending → running (claimed by one worker with a conditional update; a claim older than
    the task's time limit may be taken again) → done (counts set) or failed (row ``errors`` or a
    file-level ``message``; nothing imported).
    """

    kind = models.CharField(_("import"), max_length=20, choices=ImportKind.choices)
    membership = models.ForeignKey(
        "tenancy.Membership", on_delete=models.CASCADE, related_name="+", verbose_name=_("importer's role")
    )
    unit = models.ForeignKey(
        UnitKerja,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit kerja"),
        help_text=_("The importer's unit when their role is narrowed to one; empty: the whole instansi."),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("imported by")
    )
    file = models.FileField(_("file"), upload_to=import_job_upload_path, max_length=255)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.PENDING
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("added"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.JSONField(_("row errors"), default=list, blank=True)
    params = models.JSONField(
        _("import parameters"),
        default=dict,
        blank=True,
        help_text=_("What the import applies to, for a kind that imports into one object (kegiatan: the plan)."),
    )
    message = models.TextField(_("problem with the file"), blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["instansi", "status"], name="unit_kerja_importjob_status")]

    def __str__(self) -> str:
        return self.file_name
