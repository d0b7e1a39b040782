"""Where the instrument sits in a workbook: texts, criteria and the master's Excel cells, as plain data.

The scoring engine's ``TemplateSpec`` carries weights, answer types and formulas but no texts and no
Excel rows; the workbook code needs both. ``WorkbookLayout`` adds them, read once per template
version (``workbook_layout``) and cached like ``template_spec``: a template never changes once
imported.

``tree_rows`` lays the tree out row by row, as the official ``Jawaban`` sheet does (REFERENCE §2.6):
every soal at its master ``excel_baris``, every derived percentage at its row, and every node on the
row just above its first child. The exporter writes these rows and the template page shows them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from django.utils.translation import gettext

from apps.lke.models import DerivedItem, LKETemplate, Soal
from apps.lke.scoring import DerivedSpec, NodeSpec, SoalSpec, TemplateSpec, weight_checks
from apps.lke.selectors import template_spec

# Answer-type labels as the official workbook writes them in column J (REFERENCE §2.2).
TYPE_LABELS: dict[str, str] = {
    "YA_TIDAK": "Ya/Tidak",
    "ABC": "A/B/C",
    "ABCD": "A/B/C/D",
    "ABCDE": "A/B/C/D/E",
    "JUMLAH": "Jumlah",
    "NILAI_0_4": "Nilai (0-4)",
}
DERIVED_TYPE_LABEL = "%"

_NUMBERING = re.compile(r"^\s*([A-Za-z]{1,4}|\d{1,2})\s*[.)]\s*(.*)$", re.DOTALL)


@dataclass(frozen=True)
class SoalLayout:
    """One soal's texts and its cells in the official ``Jawaban`` sheet (REFERENCE §2.6)."""

    soal_id: int
    text: str
    criteria: str
    answer_type: str
    option_labels: Mapping[str, str]
    sheet: str
    row: int
    col_answer_unit: str = "K"
    col_note_unit: str = "L"
    col_evidence_unit: str = "M"
    col_answer_tpi: str = "N"
    col_note_tpi: str = "Q"


@dataclass(frozen=True)
class DerivedLayout:
    code: str
    text: str
    row: int | None


@dataclass(frozen=True)
class WorkbookLayout:
    """The texts and Excel cells of one template version, keyed by PortalRB soal id / derived code."""

    tahun: int
    version: int
    soal: Mapping[int, SoalLayout]
    derived: Mapping[str, DerivedLayout]

    @property
    def label(self) -> str:
        return f"LKE {self.tahun} v{self.version}"

    @classmethod
    def from_rows(
        cls, *, tahun: int, version: int, soal_rows: Iterable[Any], derived_rows: Iterable[Any]
    ) -> WorkbookLayout:
        """Build from ``Soal`` and ``DerivedItem`` rows (model instances or anything with their fields)."""
        soal = {
            s.portalrb_soal_id: SoalLayout(
                soal_id=s.portalrb_soal_id,
                text=s.text,
                criteria=s.criteria,
                answer_type=s.answer_type,
                option_labels={o["key"]: o.get("label", "") for o in s.options},
                sheet=s.excel_sheet,
                row=s.excel_row,
                col_answer_unit=s.excel_col_answer_unit,
                col_note_unit=s.excel_col_note_unit,
                col_evidence_unit=s.excel_col_evidence_unit,
                col_answer_tpi=s.excel_col_answer_tpi,
                col_note_tpi=s.excel_col_note_tpi,
            )
            for s in soal_rows
        }
        derived = {d.code: DerivedLayout(code=d.code, text=d.text, row=d.excel_row) for d in derived_rows}
        return cls(tahun=tahun, version=version, soal=soal, derived=derived)


@lru_cache(maxsize=16)
def workbook_layout(template_id: int) -> WorkbookLayout:
    """The layout of one imported template version (three queries, cached per process)."""
    template = LKETemplate.objects.get(pk=template_id)
    return WorkbookLayout.from_rows(
        tahun=template.tahun,
        version=template.version,
        soal_rows=Soal.objects.filter(template_id=template_id).order_by("order"),
        derived_rows=DerivedItem.objects.filter(template_id=template_id).order_by("order"),
    )


def layout_for_spec(spec: TemplateSpec) -> WorkbookLayout:
    """The layout of the imported template whose spec this is (newest first).

    ``template_spec`` caches its result, so the spec a caller holds is normally the very object
    cached for its template; equal content is accepted too (frozen dataclasses compare by value).
    """
    for template_id in LKETemplate.objects.order_by("-tahun", "-version").values_list("pk", flat=True):
        candidate = template_spec(template_id)
        if candidate is spec or candidate == spec:
            return workbook_layout(template_id)
    raise LookupError("no imported LKE template has this spec; pass its WorkbookLayout explicitly")


def plain(value: Decimal) -> Decimal:
    """``Decimal("60.000")`` → ``60``, ``Decimal("0.500")`` → ``0.5`` (never an exponent)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def split_numbering(text: str) -> tuple[str, str]:
    """``"i. Penyusunan Tim Kerja"`` → ``("i", "Penyusunan Tim Kerja")``; no numbering → ``("", text)``."""
    match = _NUMBERING.match(text or "")
    if not match:
        return "", (text or "").strip()
    return match.group(1), match.group(2).strip()


# -----------------------------------------------------------------------------
# The tree, row by row
# -----------------------------------------------------------------------------

RowKind = Literal["node", "soal", "derived", "total"]


@dataclass(frozen=True)
class TreeRow:
    """One row of the laid-out tree.

    ``depth`` is the node depth (items get their node's depth + 1); ``number`` is the numbering
    shown before the label ("A", "I", "1", "i", "a", "1)"); ``row`` is the ``Jawaban`` sheet row.
    A ``total`` row sums the denominator inputs of a derived ratio with several of them (the
    LHKPN "obliged to report" lines) — information only, it is never scored.
    """

    kind: RowKind
    row: int
    depth: int
    number: str
    label: str
    weight: Decimal | None = None
    node: NodeSpec | None = None
    soal: SoalSpec | None = None
    derived: DerivedSpec | None = None
    soal_layout: SoalLayout | None = None
    parts: tuple[int, ...] = ()  # total rows: the soal ids summed
    items: tuple[TreeRow, ...] = field(default=(), repr=False)  # node rows: their own item rows

    @property
    def shown_number(self) -> str:
        """The numbering as printed: ``a.``, ``iii.``, ``A.`` — counts keep their ``1)``."""
        if not self.number or self.number.endswith(")"):
            return self.number
        return f"{self.number}."


def _letters(index: int) -> str:
    return chr(ord("a") + index) if index < 26 else str(index + 1)


def derived_inputs(formula: Mapping[str, Any]) -> list[int]:
    """The input soal a derived formula reads (denominators first, as the sheet lists them)."""
    if formula["type"] == "ratio":
        return [*formula["denominator"], *formula["numerator"]]
    return [formula["previous"], formula["current"]]


def _item_rows(node: NodeSpec, layout: WorkbookLayout, depth: int) -> list[TreeRow]:
    """The node's own soal and derived items in sheet order, numbered the way the workbook is."""
    placed: list[tuple[int, str, Any]] = []
    for soal in node.soal:
        placed.append((layout.soal[soal.soal_id].row, "soal", soal))
    for derived in node.derived:
        row = layout.derived[derived.code].row
        if row is None:
            raise ValueError(f"derived item {derived.code} has no Excel row")
        placed.append((row, "derived", derived))
    placed.sort(key=lambda p: p[0])
    taken = {p[0] for p in placed}
    rows: list[TreeRow] = []
    scored = 0
    input_number = 0
    for row, kind, item in placed:
        if kind == "derived":
            rows.append(
                TreeRow(
                    "derived", row, depth, _letters(scored), layout.derived[item.code].text, derived=item, node=node
                )
            )
            scored += 1
            input_number = 0
            formula = item.formula
            # Several obliged groups: the workbook shows their total on the free row just below.
            if formula["type"] == "ratio" and len(formula["denominator"]) > 1 and row + 1 not in taken:
                rows.append(
                    TreeRow(
                        "total", row + 1, depth, "", "", node=node, derived=item, parts=tuple(formula["denominator"])
                    )
                )
            continue
        soal_layout = layout.soal[item.soal_id]
        if item.answer_type == "JUMLAH":
            input_number += 1
            number = f"{input_number})"
        else:
            number = _letters(scored)
            scored += 1
            input_number = 0
        weight = plain(item.weight) if node.scoring == "per_item" else None
        rows.append(TreeRow("soal", row, depth, number, soal_layout.text, weight, node, item, soal_layout=soal_layout))
    return rows


def tree_rows(spec: TemplateSpec, layout: WorkbookLayout) -> list[TreeRow]:
    """Every node, soal, derived item and total line of the template, in sheet order.

    A node sits on the row just above its first child (or first item), as in the official sheet;
    rows that would collide mean the master's rows do not describe a sheet we understand.
    """
    out: list[TreeRow] = []

    def place(node: NodeSpec, depth: int) -> tuple[int, list[TreeRow]]:
        items = _item_rows(node, layout, depth + 1)
        child_blocks = [place(child, depth + 1) for child in node.children]
        first = min([r.row for r in items] + [start for start, _ in child_blocks])
        number, label = split_numbering(node.name)
        head = TreeRow("node", first - 1, depth, number, label, plain(node.weight), node, items=tuple(items))
        block = [head, *items]
        for _, rows in child_blocks:
            block.extend(rows)
        return head.row, block

    for root in spec.roots:
        out.extend(place(root, 0)[1])
    out.sort(key=lambda r: r.row)
    seen: dict[int, TreeRow] = {}
    for row in out:
        if row.row < 2 or row.row in seen:
            raise ValueError(f"row {row.row} of the Jawaban sheet is claimed twice ({row.label[:40]!r})")
        seen[row.row] = row
    return out


# -----------------------------------------------------------------------------
# The tree as the template page shows it
# -----------------------------------------------------------------------------


def _soal_names(soal_ids: Iterable[int], layout: WorkbookLayout) -> str:
    return " + ".join(f"[{i}] {layout.soal[i].text}" for i in soal_ids)


def describe_formula(formula: Mapping[str, Any], layout: WorkbookLayout) -> str:
    """A derived item's formula in words (DESIGN §7 edge cases included), in the active language."""
    if formula["type"] == "ratio":
        numerator = _soal_names(formula["numerator"], layout)
        denominator = _soal_names(formula["denominator"], layout)
        words = gettext("({numerator}) ÷ ({denominator}), at most 100%.").format(
            numerator=numerator, denominator=denominator
        )
        if formula.get("empty_denominator") == "one":
            words += " " + gettext("With nothing to count (a denominator of 0) it scores 100%.")
        else:
            words += " " + gettext("With a denominator of 0 it scores 0.")
        if formula.get("must_not_exceed"):
            words += " " + gettext("The numerator may not be larger than the denominator.")
    elif formula["type"] == "decrease":
        previous, current = _soal_names([formula["previous"]], layout), _soal_names([formula["current"]], layout)
        words = gettext(
            "(({previous}) − ({current})) ÷ ({previous}), between 0 and 100%. When the previous year had 0: "
            "100% if this year has 0 too, otherwise 0."
        ).format(previous=previous, current=current)
    else:
        words = str(formula)
    return words + " " + gettext("Blank while any input is blank.")


@dataclass(frozen=True)
class OptionRow:
    key: str
    label: str
    multiplier: Decimal


@dataclass(frozen=True)
class SumView:
    """A weight check ready to show: ``0.5 + 1 + 1 + 1.5 = 4`` and whether it holds."""

    parts: tuple[Decimal, ...]
    total: Decimal
    expected: Decimal
    ok: bool

    @classmethod
    def of(cls, check: Any) -> SumView:
        return cls(tuple(plain(p) for p in check.parts), plain(check.total), plain(check.expected), check.ok)


@dataclass(frozen=True)
class DisplayRow:
    """One line of the template page: a tree row with what the page adds to it."""

    tree: TreeRow
    type_label: str = ""
    options: tuple[OptionRow, ...] = ()
    formula_words: str = ""
    effective_weight: Decimal | None = None  # points of one item at full marks (REFERENCE §2.7)
    check: SumView | None = None  # a node whose weight is made of parts


def template_tree(spec: TemplateSpec, layout: WorkbookLayout) -> list[DisplayRow]:
    """Every row of the instrument for the template page, with weights, options and sum checks."""
    checks = {c.node_id: SumView.of(c) for c in weight_checks(spec) if c.node_id is not None}
    shown: list[DisplayRow] = []
    for row in tree_rows(spec, layout):
        node = row.node
        if row.kind == "node" and node is not None:
            shown.append(DisplayRow(row, check=checks.get(node.node_id)))
            continue
        share = None
        if node is not None and node.scoring == "average":
            scored = len([s for s in node.soal if s.answer_type != "JUMLAH"]) + len(node.derived)
            share = node.weight / scored if scored else None
        if row.kind == "soal" and row.soal is not None and row.soal_layout is not None:
            soal = row.soal
            options = tuple(
                OptionRow(key, row.soal_layout.option_labels.get(key, ""), multiplier)
                for key, multiplier in soal.options.items()
            )
            if soal.answer_type == "JUMLAH":
                share = None
            elif node is not None and node.scoring == "per_item":
                share = plain(soal.weight)
            shown.append(DisplayRow(row, TYPE_LABELS.get(soal.answer_type, soal.answer_type), options, "", share))
        elif row.kind == "derived" and row.derived is not None:
            words = describe_formula(row.derived.formula, layout)
            shown.append(DisplayRow(row, DERIVED_TYPE_LABEL, (), words, share))
    return shown
