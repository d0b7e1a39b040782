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
    afirmasi_reason = models.TextField(
        _("reason for proposing below the thresholds (afirmasi)"),
        blank=True,
        db_default="",  # rows loaded outside the ORM (the national seeder's COPY) start empty
        help_text=_("Required when the final TPI tier misses a threshold of the predikat; frozen in the snapshot."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PengusulanStatus.choices, default=PengusulanStatus.DRAFT
    )
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

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


# -----------------------------------------------------------------------------
# Eligibility facts (PermenPANRB 5/2024 Tabel 5 "Syarat Pengusulan ZI")
# -----------------------------------------------------------------------------


class OpiniBPK(models.TextChoices):
    """BPK audit opinion, best first."""

    WTP = "WTP", _("WTP (unqualified)")
    WDP = "WDP", _("WDP (qualified)")
    TW = "TW", _("TW (adverse)")
    TMP = "TMP", _("TMP (disclaimer)")


class Grade(models.TextChoices):
    """The AA…D grade of SAKIP and of the indeks RB, best first."""

    AA = "AA", "AA"
    A = "A", "A"
    BB = "BB", "BB"
    B = "B", "B"
    CC = "CC", "CC"
    C = "C", "C"
    D = "D", "D"


class InstansiEligibility(TenantModel, TimeStampedModel):
    """Syarat instansi — the instansi-level facts of Tabel 5 for one year, with their evidence:
    opini BPK, predikat SAKIP, indeks RB and maturitas SPIP."""

    cycle = models.ForeignKey("unit_kerja.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name=_("year"))
    opini_bpk = models.CharField(_("BPK opinion"), max_length=3, choices=OpiniBPK.choices)
    predikat_sakip = models.CharField(_("SAKIP predicate"), max_length=2, choices=Grade.choices)
    indeks_rb = models.CharField(_("RB index grade"), max_length=2, choices=Grade.choices)
    maturitas_spip = models.PositiveSmallIntegerField(_("SPIP maturity level"))
    evidence = models.ManyToManyField(
        "bukti_dukung.BuktiDukung", blank=True, related_name="+", verbose_name=_("evidence")
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False
    )  # optimistic lock (apps.core.concurrency)

    class Meta(TenantModel.Meta):
        verbose_name = _("instansi eligibility")
        verbose_name_plural = _("instansi eligibility")
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["instansi", "cycle"], name="pengusulan_instansielig_unique_year"),
            models.CheckConstraint(
                condition=Q(maturitas_spip__gte=1) & Q(maturitas_spip__lte=5),
                name="pengusulan_instansielig_spip_1_5",
                violation_error_message=_("SPIP maturity is a level from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instansi_id} {self.cycle}"


def _pct_constraint(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 0}) & Q(**{f"{field}__lte": 100}),
        name=name,
        violation_error_message=_("A percentage is between 0 and 100."),
    )


class UnitEligibility(TenantModel, TimeStampedModel):
    """Syarat unit — the unit-level facts of Tabel 5 for one year, with their evidence. The months
    of building ZI are derived from ``zi_started_on``."""

    cycle = models.ForeignKey("unit_kerja.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name=_("year"))
    unit = models.ForeignKey(
        "unit_kerja.UnitKerja", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit kerja")
    )
    is_core_service = models.BooleanField(_("core service (core layanan) of the instansi"), default=False)
    has_public_impact = models.BooleanField(_("significant impact on public perception"), default=False)
    tlhp_pct = models.DecimalField(_("follow-up of APIP/BPK findings (TLHP) %"), max_digits=5, decimal_places=2)
    lhkpn_pct = models.DecimalField(_("LHKPN filing compliance %"), max_digits=5, decimal_places=2)
    lhkasn_pct = models.DecimalField(_("LHKASN filing compliance %"), max_digits=5, decimal_places=2)
    zi_started_on = models.DateField(_("ZI building started on"))
    sakip_internal = models.CharField(_("internal SAKIP predicate"), max_length=2, choices=Grade.choices)
    evidence = models.ManyToManyField(
        "bukti_dukung.BuktiDukung", blank=True, related_name="+", verbose_name=_("evidence")
    )
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False
    )  # optimistic lock (apps.core.concurrency)

    class Meta(TenantModel.Meta):
        verbose_name = _("unit eligibility")
        verbose_name_plural = _("unit eligibility")
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["instansi", "cycle", "unit"], name="pengusulan_unitelig_unique_year"),
            _pct_constraint("tlhp_pct", "pengusulan_unitelig_tlhp_pct"),
            _pct_constraint("lhkpn_pct", "pengusulan_unitelig_lhkpn_pct"),
            _pct_constraint("lhkasn_pct", "pengusulan_unitelig_lhkasn_pct"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.cycle}"


class PredikatUnit(TenantModel, TimeStampedModel):
    """Predikat yang dimiliki — a WBK/WBBM predicate a unit holds (KemenPANRB decree), and its
    revocation (pencabutan: no new proposal for two years, 90/2021 Lampiran II Bab IV C).

    Written by TPN/KemenPANRB through the national API (a later issue); instansi pages only read it.
    """

    unit = models.ForeignKey(
        "unit_kerja.UnitKerja", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit kerja")
    )
    predikat = models.CharField(_("predikat"), max_length=4, choices=Predikat.choices)
    tahun = models.PositiveSmallIntegerField(_("year"))
    decree_number = models.CharField(_("decree number"), max_length=100)
    decree_date = models.DateField(_("decree date"))
    revoked_at = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for the revocation"), blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("predikat held")
        verbose_name_plural = _("predikat held")
        ordering = ["-decree_date"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "unit", "predikat", "tahun"], name="pengusulan_predikatunit_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.predikat} {self.tahun}"


class ProposalQuota(TenantModel):
    """Kuota pengusulan — at most this many units may be proposed by the instansi in a year
    (set by KemenPANRB, e.g. Surat Deputi B/14/PW.00/2022); read here."""

    tahun = models.PositiveSmallIntegerField(_("year"))
    max_units = models.PositiveIntegerField(_("maximum units"))

    class Meta(TenantModel.Meta):
        verbose_name = _("proposal quota")
        verbose_name_plural = _("proposal quotas")
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["instansi", "tahun"], name="pengusulan_quota_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.tahun}: {self.max_units}"


class SuratPengusulan(TenantModel, TimeStampedModel):
    """Surat pengusulan — the one letter of the instansi to MenPANRB for a year, listing every unit
    it proposes, with its SPTJM (a scanned signed statement, or the statement confirmed in the app
    by the pimpinan with their password: who, when and the SHA-256 of the exact text).

    The PDF of the letter is a report (kind ``surat_pengusulan``) rendered from the current state.
    """

    cycle = models.ForeignKey("unit_kerja.Cycle", on_delete=models.PROTECT, related_name="+", verbose_name=_("year"))
    number = models.CharField(_("letter number"), max_length=100)
    date = models.DateField(_("letter date"))
    sptjm_file = models.ForeignKey(
        "bukti_dukung.BuktiDukung",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SPTJM (signed scan)"),
    )
    sptjm_text = models.TextField(_("SPTJM statement confirmed in the app"), blank=True)
    sptjm_sha256 = models.CharField(_("SHA-256 of the statement"), max_length=64, blank=True)
    sptjm_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sptjm_signed_at = models.DateTimeField(_("statement confirmed at"), null=True, blank=True)
    items = models.ManyToManyField(Pengusulan, blank=True, related_name="+", verbose_name=_("units proposed"))
    report = models.ForeignKey(
        "reports.Report", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("PDF")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(
        default=1, db_default=1, editable=False
    )  # optimistic lock (apps.core.concurrency)

    class Meta(TenantModel.Meta):
        verbose_name = _("proposal letter")
        verbose_name_plural = _("proposal letters")
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["instansi", "cycle"], name="pengusulan_surat_unique_year"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def has_sptjm(self) -> bool:
        return bool(self.sptjm_file_id or self.sptjm_signed_at)


class ProposalDeadline(models.Model):
    """Batas pengusulan — the date TPN set for a year's proposals, when it differs from 31 May
    (PermenPANRB 5/2024: "paling lambat 31 Mei atau sesuai ketentuan TPN"). National data, one row
    per year, overriding every instansi's own ``Cycle.proposal_end`` for that year."""

    tahun = models.PositiveSmallIntegerField(_("year"), unique=True)
    closes_on = models.DateField(_("proposals close on"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(_("set at"), auto_now=True)

    class Meta:
        verbose_name = _("proposal deadline")
        verbose_name_plural = _("proposal deadlines")

    def __str__(self) -> str:
        return f"{self.tahun}: {self.closes_on}"
