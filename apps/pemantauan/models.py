"""Pemantauan pasca-predikat (PermenPANRB 90/2021 Lampiran II Bab IV; issue 17): a unit holding
WBK/WBBM keeps a yearly monitoring cycle (its LKE, its survey indices, the complaints about it);
an early warning is raised when an index or the LKE falls below its threshold or a complaint is
received; the instansi may propose a revocation with evidence to KemenPANRB, whose decision
revokes the predikat (no new proposal for two years: ``PredikatUnit.revoked_at``).

* ``Pengaduan`` — one complaint about a predicated unit (from the public form or recorded by staff
  from SP4N-LAPOR!, the media…).
* ``PeringatanDini`` — one early warning per predikat, year and kind (the unique constraint is the
  claim: a second evaluation or complaint updates it, never duplicates it).
* ``UsulanPencabutan`` — the instansi's proposal to revoke, with its evidence, and KemenPANRB's decision.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.tenancy.models import TenantModel


class Saluran(models.TextChoices):
    PUBLIK = "publik", _("Public form in ZI")
    LAPOR = "lapor", _("SP4N-LAPOR!")
    MEDIA = "media", _("Media / news")
    LAINNYA = "lainnya", _("Another channel")


class Pengaduan(TenantModel, TimeStampedModel):
    """Pengaduan masyarakat — a complaint about a unit holding a predikat."""

    predikat = models.ForeignKey(
        "pengusulan.PredikatUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("predikat held")
    )
    unit = models.ForeignKey(
        "unit_kerja.UnitKerja", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit kerja")
    )
    saluran = models.CharField(_("channel"), max_length=10, choices=Saluran.choices, default=Saluran.PUBLIK)
    isi = models.TextField(_("what happened"))
    pelapor = models.CharField(_("reporter (optional)"), max_length=150, blank=True)
    kontak = models.CharField(_("contact (optional)"), max_length=150, blank=True)
    diterima_pada = models.DateTimeField(_("received at"))
    dicatat_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(TenantModel.Meta):
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-diterima_pada"]
        indexes = [models.Index(fields=["instansi", "unit", "diterima_pada"], name="pemantauan_aduan_unit")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.diterima_pada:%Y-%m-%d}"


class JenisPeringatan(models.TextChoices):
    PENGADUAN = "pengaduan", _("Public complaint")
    IPAK = "ipak", _("IPAK below its threshold")
    IPKP = "ipkp", _("IPKP below its threshold")
    LKE = "lke", _("LKE total below its threshold")


class PeringatanDini(TenantModel, TimeStampedModel):
    """Peringatan dini — an early warning on a predicated unit for one year and one kind."""

    predikat = models.ForeignKey(
        "pengusulan.PredikatUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("predikat held")
    )
    unit = models.ForeignKey(
        "unit_kerja.UnitKerja", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit kerja")
    )
    tahun = models.PositiveSmallIntegerField(_("year"))
    jenis = models.CharField(_("kind"), max_length=10, choices=JenisPeringatan.choices)
    nilai = models.DecimalField(_("value"), max_digits=8, decimal_places=2, null=True, blank=True)
    ambang = models.DecimalField(_("threshold"), max_digits=8, decimal_places=2, null=True, blank=True)
    keterangan = models.TextField(_("details"), blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-updated_at"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "predikat", "tahun", "jenis"], name="pemantauan_peringatan_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.tahun} {self.jenis}"


class StatusUsulan(models.TextChoices):
    DIUSULKAN = "diusulkan", _("Proposed to KemenPANRB")
    DICABUT = "dicabut", _("Revoked by KemenPANRB")
    DITOLAK = "ditolak", _("Rejected by KemenPANRB")


class UsulanPencabutan(TenantModel, TimeStampedModel):
    """Usulan pencabutan — the instansi proposes to KemenPANRB to revoke a unit's predikat, with
    the reason and evidence; KemenPANRB decides (revoked: the predikat ends and the unit may not be
    proposed for two years)."""

    predikat = models.ForeignKey(
        "pengusulan.PredikatUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("predikat held")
    )
    unit = models.ForeignKey(
        "unit_kerja.UnitKerja", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit kerja")
    )
    alasan = models.TextField(_("reason"))
    bukti = models.ManyToManyField("bukti_dukung.BuktiDukung", blank=True, related_name="+", verbose_name=_("evidence"))
    status = models.CharField(_("status"), max_length=10, choices=StatusUsulan.choices, default=StatusUsulan.DIUSULKAN)
    diusulkan_oleh = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    diputus_oleh = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    catatan_keputusan = models.TextField(_("decision notes"), blank=True)
    dicabut_pada = models.DateField(_("revoked on"), null=True, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("revocation proposal")
        verbose_name_plural = _("revocation proposals")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.status}"
