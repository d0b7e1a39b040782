"""Pengusulan: a unit proposed to KemenPANRB for a predikat, with its frozen snapshot (DESIGN §6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.tenancy.models import TenantModel


class Predikat(models.TextChoices):
    WBK = "WBK", "WBK"
    WBBM = "WBBM", "WBBM"


class PengusulanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved by the pimpinan")
    PROPOSED = "proposed", _("Proposed to KemenPANRB")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Pengusulan(TenantModel, TimeStampedModel):
    """Pengusulan — one unit proposed for one predikat in one year (PermenPANRB 90/2021 Lampiran II
    Bab II as amended by 5/2024).

    What PortalRB pulls is never the live LKE but the *current frozen snapshot*
    (``PengusulanSnapshot`` with ``is_current``), taken when the proposal is submitted and replaced
    only by an explicit correction inside the proposal window (history kept). TPN results and
    decisions attach to the pengusulan.
    """

    cycle = models.ForeignKey("unit_kerja.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name=_("year"))
    unit = models.ForeignKey(
        "unit_kerja.UnitKerja", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit kerja")
    )
    penilaian = models.ForeignKey(
        "penilaian.Penilaian", on_delete=models.PROTECT, related_name="+", verbose_name=_("penilaian")
    )
    predikat = models.CharField(_("predikat"), max_length=4, choices=Predikat.choices)
    afirmasi = models.BooleanField(_("afirmasi (Stranas PK)"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=PengusulanStatus.choices, default=PengusulanStatus.DRAFT
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta(TenantModel.Meta):
        verbose_name = _("pengusulan")
        verbose_name_plural = _("pengusulan")
        ordering = ["-cycle__tahun", "unit__name"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "cycle", "unit"],
                condition=~Q(status="withdrawn"),
                name="pengusulan_pengusulan_unique_unit_year",
                violation_error_message=_("This unit is already proposed this year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.predikat} {self.cycle}"

    @property
    def kategori(self) -> str:
        """PortalRB's ``kategori``: WBK, WBK-AFIRMASI, WBBM or WBBM-AFIRMASI."""
        return f"{self.predikat}-AFIRMASI" if self.afirmasi else self.predikat


class PengusulanSnapshot(TenantModel):
    """Snapshot beku — everything proposed, frozen at submission: every tier's answers, notes,
    evidence and scores, with the SHA-256 of its canonical JSON.

    ``data`` format 1 (``apps.pengusulan.snapshot`` builds and reads it)::

        {"format": 1, "tahun": 2026, "predikat": "WBK", "afirmasi": false, "kategori": "WBK",
         "unit": {"id": "<unit public_id>", "code": "A1", "nama": "…"},
         "template": {"tahun": 2026, "version": 1},
         "tiers": ["unit", "tpi1", "tpi2"],
         "answers": [{"soal_id": 1,
                      "unit": {"answer": "Ya", "note": "…", "evidence_link": "https://…",
                               "evidence": [{"id": "<bukti public_id>", "name": "sk.pdf", "sha256": "…"}]},
                      "tpi1": {"answer": "Ya", "note": "Sesuai"}, …}, …],
         "scores": {"unit": {"pemenuhan": "…", "reform": "…", "pengungkit": "…", "hasil": "…",
                             "total": "…", "areas": {"pemenuhan": {"1": "…"}, "reform": {…}}}, …},
         "recommendation": {"decision": "layak_wbk", "reasons": "…"}}

    Only soal with at least one answer appear; numbers are strings with full precision.
    """

    pengusulan = models.ForeignKey(Pengusulan, on_delete=models.CASCADE, related_name="snapshots")
    number = models.PositiveIntegerField(_("snapshot number"))
    data = models.JSONField(_("data"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    is_current = models.BooleanField(_("current"), default=True)
    reason = models.TextField(_("reason for the correction"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("frozen at"), auto_now_add=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("proposal snapshot")
        verbose_name_plural = _("proposal snapshots")
        ordering = ["pengusulan", "-number"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "pengusulan", "number"], name="pengusulan_snapshot_unique_number"
            ),
            models.UniqueConstraint(
                fields=["instansi", "pengusulan"],
                condition=Q(is_current=True),
                name="pengusulan_snapshot_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pengusulan} #{self.number}"
