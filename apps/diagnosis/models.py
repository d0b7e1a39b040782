"""Diagnosis per unit per year (DESIGN §6, PermenPANRB 90/2021): the unit's starting point, recorded
before the rencana aksi — the layanan utama, strategic issues and a risk register of corruption and
service risks; priorities are the issues and risks sorted by score. A kegiatan of the rencana aksi
names the risk or issue it answers (``rencana_aksi.Kegiatan.risiko`` / ``.isu``).

The tables keep the names they had in ``pendampingan`` (``Meta.db_table``), where these models
lived until issue 20.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.core.softdelete import LiveTenantManager, SoftDeleted
from apps.lke.models import Area
from apps.tenancy.models import TenantManager, TenantModel
from apps.timkerja.models import public_id_kept

SCORE_HIGH = 15  # likelihood × impact from 15 up is a high risk (a 5 × 5 matrix: 15–25)
SCORE_MEDIUM = 8


class Diagnosis(TenantModel, TimeStampedModel):
    """Diagnosis — the unit's starting point for one year, recorded before the rencana aksi: its
    core services, strategic issues and risk register."""

    unit = models.ForeignKey(
        "unit_kerja.UnitKerja", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit kerja")
    )
    cycle = models.ForeignKey("unit_kerja.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name=_("year"))
    summary = models.TextField(_("summary"), blank=True)

    class Meta(TenantModel.Meta):
        db_table = "pendampingan_diagnosis"  # moved from pendampingan (issue 20): the table kept its name
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")
        ordering = ["-cycle__tahun", "unit__path"]
        constraints = [
            public_id_kept("pendampingan_diagnosis"),
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
        db_table = "pendampingan_layananutama"  # moved from pendampingan (issue 20): the table kept its name
        verbose_name = _("core service")
        verbose_name_plural = _("core services")
        ordering = ["-volume", "name"]
        constraints = [public_id_kept("pendampingan_layananutama")]

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
        db_table = "pendampingan_isustrategis"  # moved from pendampingan (issue 20): the table kept its name
        verbose_name = _("strategic issue")
        verbose_name_plural = _("strategic issues")
        ordering = ["diagnosis", "-id"]
        constraints = [
            public_id_kept("pendampingan_isustrategis"),
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
        db_table = "pendampingan_risiko"  # moved from pendampingan (issue 20): the table kept its name
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["diagnosis", "-id"]
        constraints = [
            public_id_kept("pendampingan_risiko"),
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
