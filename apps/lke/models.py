"""The LKE instrument: global, versioned, read-only reference data (DESIGN §7).

Imported from KemenPANRB's PortalRB master (``lke_import``), never edited by tenants. A changed
master creates a new ``LKETemplate`` version; answers given on an old version keep pointing at it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.IntegerChoices):
    """The six areas perubahan (PermenPANRB 90/2021), numbered as ``LKENode.area`` (1–6):
    the rencana aksi, the pokja of the tim kerja and the diagnosis are organised by them."""

    MANAJEMEN_PERUBAHAN = 1, "Manajemen Perubahan"
    TATALAKSANA = 2, "Penataan Tatalaksana"
    SDM = 3, "Penataan Sistem Manajemen SDM"
    AKUNTABILITAS = 4, "Penguatan Akuntabilitas Kinerja"
    PENGAWASAN = 5, "Penguatan Pengawasan"
    PELAYANAN_PUBLIK = 6, "Peningkatan Kualitas Pelayanan Publik"


class LKETemplate(models.Model):
    """Template LKE — one imported version of the worksheet for an evaluation year.

    ``source_sha256`` is the hash of the canonical master JSON (plus our derived-item data), so a
    re-import of the same file is recognised and changes nothing.
    """

    tahun = models.PositiveSmallIntegerField(_("evaluation year"))
    version = models.PositiveIntegerField(_("version"))
    source_sha256 = models.CharField(_("source hash"), max_length=64, unique=True)
    source_generated_at = models.CharField(_("master generated at"), max_length=40, blank=True)
    total_soal = models.PositiveIntegerField(_("number of soal"))
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("LKE template")
        verbose_name_plural = _("LKE templates")
        ordering = ["-tahun", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["tahun", "version"], name="lke_template_unique_tahun_version"),
        ]

    def __str__(self) -> str:
        return f"LKE {self.tahun} v{self.version}"


class NodeLevel(models.TextChoices):
    KOMPONEN = "komponen", _("Component")
    SUB_KOMPONEN = "sub_komponen", _("Sub-component")
    AREA = "area_perubahan", _("Area perubahan")
    SUB_AREA = "sub_area", _("Sub-area")


class Komponen(models.TextChoices):
    PENGUNGKIT = "pengungkit", "Pengungkit"
    HASIL = "hasil", "Hasil"


class Half(models.TextChoices):
    PEMENUHAN = "pemenuhan", "Pemenuhan"
    REFORM = "reform", "Reform"


class Scoring(models.TextChoices):
    AVERAGE = "average", _("Average of its items × weight")
    PER_ITEM = "per_item", _("Each item × its own weight")
    SUM = "sum", _("Sum of its children")


class LKENode(models.Model):
    """A node of the worksheet tree: komponen → sub_komponen → area_perubahan → sub_area (nestable).

    ``weight`` is the node's maximum points (``bobot_maksimal``). ``komponen``, ``half`` and
    ``area`` are denormalised from the ancestors so the scoring engine and the pages need no
    recursive queries. ``scoring`` tells how the node turns its items into points (REFERENCE §2.3).
    """

    template = models.ForeignKey(LKETemplate, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    portalrb_node_id = models.PositiveIntegerField(_("PortalRB node id"))
    level = models.CharField(_("level"), max_length=20, choices=NodeLevel.choices)
    name = models.CharField(_("name"), max_length=255)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=3)
    order = models.PositiveIntegerField(_("order"))
    komponen = models.CharField(max_length=12, choices=Komponen.choices)
    half = models.CharField(max_length=12, choices=Half.choices, blank=True)
    area = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Area perubahan 1–6"))
    scoring = models.CharField(max_length=10, choices=Scoring.choices)
    depth = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("LKE node")
        verbose_name_plural = _("LKE nodes")
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "portalrb_node_id"], name="lke_node_unique_portalrb_id"),
        ]

    def __str__(self) -> str:
        return self.name


class AnswerType(models.TextChoices):
    YA_TIDAK = "YA_TIDAK", "Ya/Tidak"
    ABC = "ABC", "A/B/C"
    ABCD = "ABCD", "A/B/C/D"
    ABCDE = "ABCDE", "A/B/C/D/E"
    JUMLAH = "JUMLAH", _("Number (input)")
    NILAI_0_4 = "NILAI_0_4", _("Value 0–4")


class Soal(models.Model):
    """Soal — one question of the worksheet, keyed by its PortalRB ``soal_id``.

    Option answers carry their multipliers (``options``: ``[{key, label, multiplier}]``). ``JUMLAH``
    soal are numeric inputs that feed derived percentage items and score nothing themselves.
    ``weight`` is the soal's own ``bobot_maksimal`` (used by per-item nodes: the hasil surveys and
    capaian kinerja).
    """

    template = models.ForeignKey(LKETemplate, on_delete=models.CASCADE, related_name="soal")
    node = models.ForeignKey(LKENode, on_delete=models.CASCADE, related_name="soal")
    portalrb_soal_id = models.PositiveIntegerField(_("PortalRB soal id"))
    text = models.TextField(_("question"))
    criteria = models.TextField(_("scoring criteria"), blank=True)
    answer_type = models.CharField(_("answer type"), max_length=12, choices=AnswerType.choices)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=3, default=0)
    options = models.JSONField(_("options"), default=list)
    order = models.PositiveIntegerField(_("order"))
    excel_sheet = models.CharField(max_length=40, default="Jawaban")
    excel_row = models.PositiveIntegerField()
    excel_col_answer_unit = models.CharField(max_length=3, default="K")
    excel_col_note_unit = models.CharField(max_length=3, default="L")
    excel_col_evidence_unit = models.CharField(max_length=3, default="M")
    excel_col_answer_tpi = models.CharField(max_length=3, default="N")
    excel_col_note_tpi = models.CharField(max_length=3, default="Q")

    class Meta:
        verbose_name = _("soal")
        verbose_name_plural = _("soal")
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "portalrb_soal_id"], name="lke_soal_unique_portalrb_id"),
        ]

    def __str__(self) -> str:
        return f"{self.portalrb_soal_id}. {self.text[:80]}"

    @property
    def is_input(self) -> bool:
        return self.answer_type == AnswerType.JUMLAH


class DerivedItem(models.Model):
    """A derived percentage item (REFERENCE §2.4): a formula over ``JUMLAH`` input soal.

    ``formula`` is data, e.g. ``{"type": "ratio", "numerator": [112], "denominator": [110],
    "empty_denominator": "one", "must_not_exceed": true}`` or ``{"type": "decrease",
    "previous": 102, "current": 103}``; ids are PortalRB soal ids of the same template.
    """

    template = models.ForeignKey(LKETemplate, on_delete=models.CASCADE, related_name="derived_items")
    node = models.ForeignKey(LKENode, on_delete=models.CASCADE, related_name="derived_items")
    code = models.CharField(max_length=20)
    text = models.TextField(_("indicator"))
    formula = models.JSONField(_("formula"))
    order = models.PositiveIntegerField(_("order"))
    excel_row = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("derived item")
        verbose_name_plural = _("derived items")
        ordering = ["template", "order"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="lke_derived_unique_code")]

    def __str__(self) -> str:
        return self.code


class ThresholdRule(models.Model):
    """One predikat threshold as data (REFERENCE §3.1, DESIGN §7): a minimum on a score.

    ``target`` names what is measured: ``total``, ``pengungkit``, ``hasil``, ``node`` (a node by its
    PortalRB id: an area half or a hasil sub-component), ``soal`` (one soal's points) or
    ``area_halves`` (every area perubahan node, Pemenuhan and Reform separately). ``min_points`` is
    in points; ``min_ratio`` is a share of the weight.
    """

    class Predikat(models.TextChoices):
        WBK = "WBK", "WBK"
        WBBM = "WBBM", "WBBM"

    template = models.ForeignKey(LKETemplate, on_delete=models.CASCADE, related_name="thresholds")
    rule_set = models.CharField(max_length=40, default="default")
    predikat = models.CharField(max_length=4, choices=Predikat.choices)
    code = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    target = models.CharField(max_length=20)
    target_ref = models.PositiveIntegerField(null=True, blank=True)
    min_points = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    min_ratio = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("threshold rule")
        verbose_name_plural = _("threshold rules")
        ordering = ["template", "rule_set", "predikat", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "rule_set", "predikat", "code"], name="lke_threshold_unique_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predikat}: {self.label}"
