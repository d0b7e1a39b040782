"""The corpus's rows before a sheet exists (tests/lke/corpus.py): random but valid answers, notes
and evidence links, and the two layouts as lines — the official ``Jawaban`` sheet (every soal at its
master row and columns) and a Lampiran III ``LKE ZI`` sheet (title lines, merged headers, the tree
numbered A. / I. / 1. / i. / a. / -), with the count rows labelled as the real form prints them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from apps.lke.excel import messages as m
from apps.lke.excel import tree_rows
from apps.lke.scoring import TemplateSpec
from tests.lke.workbooks import TYPE_LABELS

# How the real Lampiran III prints the count rows of the LHKPN/LHKASN and complaint sub-areas.
SHORT_COUNT_LABELS = {
    113: "Kepala satuan kerja",
    114: "Pejabat yang diwajibkan",
    115: "Lainnya",
    116: "Jumlah yang sudah melaporkan",
    117: "Pejabat administrator (eselon III)",
    118: "Pejabat pengawas (eselon IV)",
    119: "Fungsional dan pelaksana",
    120: "Jumlah yang sudah melaporkan",
    110: "Jumlah yang harus ditindaklanjuti",
    111: "Jumlah yang sedang diproses",
    112: "Jumlah yang selesai ditindaklanjuti",
}


@dataclass
class Line:
    """One sheet row before rows and columns are fixed (cells keyed by *logical* column letter;
    formulas may name another soal's answer cell as ``{K:113}``)."""

    kind: str  # title / header / node / soal / derived / total / blank / hidden
    cells: dict[str, Any] = field(default_factory=dict)
    soal_id: int | None = None
    code: str | None = None
    hidden: bool = False
    merge: tuple[str, str] | None = None
    must_warn: bool = False  # the parser has to name this row
    may_lose: bool = False  # its answer may be read blank — then with a warning on its row
    row: int = 0


# -----------------------------------------------------------------------------
# Answers
# -----------------------------------------------------------------------------


def random_answers(spec: TemplateSpec, rng: random.Random) -> dict[int, str | None]:
    """Valid answers: options, survey values, and counts that never contradict each other."""
    soal = spec.soal_by_id()
    answers: dict[int, str | None] = {}
    for soal_id, item in soal.items():
        if rng.random() < 0.1:
            answers[soal_id] = None
        elif item.options:
            answers[soal_id] = rng.choice(list(item.options))
        elif item.answer_type == "NILAI_0_4":
            answers[soal_id] = format((Decimal(rng.randint(0, 400)) / 100).normalize(), "f")
        else:
            answers[soal_id] = str(rng.choice([0, 1, 2, 3, 5, 8, 12, 40, 1234]))
    for derived in spec.derived():
        formula = derived.formula
        if formula["type"] != "ratio":
            continue
        parts = [answers.get(i) for i in formula["denominator"]]
        if any(p is None for p in parts):
            continue
        total = sum(int(p or 0) for p in parts)
        for numerator in formula["numerator"]:
            if answers.get(numerator) is not None:
                answers[numerator] = str(rng.randint(0, total))
    return answers


def random_links(rng: random.Random, soal_id: int) -> list[str]:
    roll = rng.random()
    if roll < 0.5:
        return []
    if roll < 0.85:
        return [f"https://drive.example.go.id/bukti/{soal_id}/{rng.randint(1, 999)}"]
    return [f"https://drive.example.go.id/bukti/{soal_id}/a", f"https://s.id/lke-{soal_id}-{rng.randint(1, 99)}"]


# -----------------------------------------------------------------------------
# The two layouts as lines
# -----------------------------------------------------------------------------


def _ratio_formula(formula: dict[str, Any]) -> str:
    def cells(ids: list[int]) -> str:
        return "+".join(f"{{K:{i}}}" for i in ids)

    if formula["type"] == "decrease":
        prev, now = f"{{K:{formula['previous']}}}", f"{{K:{formula['current']}}}"
        return f"=IF({prev}=0,IF({now}=0,1,0),MAX(0,({prev}-{now})/{prev}))"
    numerator, denominator = cells(formula["numerator"]), cells(formula["denominator"])
    return f"=IF(({denominator})=0,0,MIN(1,({numerator})/({denominator})))"


def _answer_cell(answer: str | None, answer_type: str) -> Any:
    if answer is None:
        return None
    if answer_type == "JUMLAH":
        return int(answer)
    if answer_type == "NILAI_0_4":
        return float(Decimal(answer))
    return answer


def _evidence_text(links: list[str]) -> str | None:
    return " ".join(links) if links else None


def jawaban_lines(spec, layout, answers, links, notes) -> list[Line]:
    rows = tree_rows(spec, layout)
    by_row: dict[int, Line] = {}
    headers = {
        "A": str(m.HEADER_ID),
        "B": str(m.HEADER_NUMBER),
        "G": str(m.HEADER_ITEM),
        "J": str(m.HEADER_TYPE),
        "K": str(m.HEADER_ANSWER_UNIT),
        "L": str(m.HEADER_NOTE_UNIT),
        "M": str(m.HEADER_EVIDENCE_UNIT),
        "N": str(m.HEADER_ANSWER_TPI),
        "Q": str(m.HEADER_NOTE_TPI),
    }
    by_row[1] = Line("header", headers)
    for item in rows:
        number_col = "BCDEF"[min(item.depth, 4)]
        if item.kind == "node":
            line = Line("node", {number_col: item.shown_number or None, "G": item.label, "H": float(item.weight or 0)})
        elif item.kind == "soal" and item.soal is not None:
            soal = item.soal
            line = Line(
                "soal",
                {
                    "A": soal.soal_id,
                    number_col: item.shown_number,
                    "G": item.label,
                    "I": item.soal_layout.criteria if item.soal_layout else None,
                    "J": TYPE_LABELS[soal.answer_type],
                    "K": _answer_cell(answers.get(soal.soal_id), soal.answer_type),
                    "L": notes.get(soal.soal_id),
                    "M": _evidence_text(links.get(soal.soal_id, [])),
                },
                soal_id=soal.soal_id,
            )
        elif item.kind == "derived" and item.derived is not None:
            line = Line(
                "derived",
                {
                    "A": item.derived.code,
                    number_col: item.shown_number,
                    "G": item.label,
                    "J": "%",
                    "K": _ratio_formula(dict(item.derived.formula)),
                },
                code=item.derived.code,
            )
        else:
            assert item.derived is not None
            parts = ",".join(f"{{K:{i}}}" for i in item.parts)
            line = Line(
                "total", {"G": str(m.TOTAL_OBLIGED), "J": "Jumlah", "K": f"=SUM({parts})"}, code=item.derived.code
            )
        by_row[item.row] = line
    last = max(by_row)
    return [by_row.get(r, Line("blank")) for r in range(1, last + 1)]


def lke_zi_lines(spec, layout, answers, links, notes, *, real_world: bool) -> list[Line]:
    note_col, link_col = ("P", "Q") if real_world else ("N", "O")
    lines = [
        Line("title", {"B": "LAMPIRAN III"}, merge=("B", "O")),
        Line("title", {"B": "PERATURAN MENTERI PANRB NOMOR 90 TAHUN 2021"}, merge=("B", "O")),
        Line("title", {"B": "LEMBAR KERJA EVALUASI ZONA INTEGRITAS MENUJU WBK/WBBM"}, merge=("B", "O")),
        Line("title", {"B": "Unit Kerja : Dinas Kependudukan dan Pencatatan Sipil"}, merge=("B", "O")),
        Line("blank"),
        Line(
            "header",
            {
                "B": "KOMPONEN",
                "H": "BOBOT",
                "I": "KRITERIA PENILAIAN",
                "J": "PILIHAN JAWABAN",
                "K": "JAWABAN",
                "L": "NILAI",
                "M": "%",
                note_col: "PENJELASAN / CATATAN",
                link_col: "LINK BUKTI DUKUNG",
            },
            merge=("B", "G"),
        ),
        Line("header", {c: f"({i})" for i, c in enumerate("BHIJKLM", start=1)}),
    ]
    for item in tree_rows(spec, layout):
        depth = min(item.depth, 4)
        num_col, text_col = "BCDEF"[depth], "CDEFG"[depth]
        merge = (text_col, "G") if text_col != "G" else None
        if item.kind == "node":
            cells = {num_col: item.shown_number, text_col: item.label, "H": float(item.weight or 0)}
            lines.append(Line("node", cells, merge=merge))
            continue
        if item.kind == "soal" and item.soal is not None:
            soal = item.soal
            label = item.label
            number = item.shown_number
            if soal.answer_type == "JUMLAH":
                number = "-"
                if real_world and soal.soal_id in SHORT_COUNT_LABELS:
                    label = SHORT_COUNT_LABELS[soal.soal_id]
                    if label.startswith("Jumlah yang sudah"):
                        number = ""
            cells = {
                "I": item.soal_layout.criteria if item.soal_layout else None,
                "J": TYPE_LABELS[soal.answer_type],
                "K": _answer_cell(answers.get(soal.soal_id), soal.answer_type),
                note_col: notes.get(soal.soal_id),
                link_col: _evidence_text(links.get(soal.soal_id, [])),
            }
            line = Line("soal", cells, soal_id=soal.soal_id)
        elif item.kind == "derived" and item.derived is not None:
            label, number = item.label, item.shown_number
            line = Line("derived", {"J": "%", "K": _ratio_formula(dict(item.derived.formula))}, code=item.derived.code)
        else:
            assert item.derived is not None
            label, number = "Jumlah yang wajib melaporkan", ""
            parts = ",".join(f"{{K:{i}}}" for i in item.parts)
            line = Line("total", {"J": "Jumlah", "K": f"=SUM({parts})"}, code=item.derived.code)
        if item.depth >= 5:
            line.cells["G"] = f"{number} {label}".strip()
        else:
            if number:
                line.cells[num_col] = number
            line.cells[text_col] = label
            line.merge = merge
        lines.append(line)
    lines.append(Line("blank"))
    lines.append(Line("title", {"B": "NILAI EVALUASI ZONA INTEGRITAS"}))
    return lines
