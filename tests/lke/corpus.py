"""A generated corpus of filled LKE workbooks in both layouts, spoiled the ways real ones are.

``generate(spec, layout, seed)`` fills a workbook from the master — the official ``Jawaban`` sheet
(every soal at its master row and columns) or a Lampiran III ``LKE ZI`` sheet (title lines, merged
headers, the tree numbered A. / I. / 1. / i. / a. / -) — with random but valid answers, notes and
evidence links, then applies a random set of mutations:

* ``shorten`` — labels cut short, or reduced to their last words as real forms print count rows
  ("- Lainnya", "Jumlah yang sudah melaporkan");
* ``paraphrase`` — labels misspelt, abbreviated, re-spaced or with words dropped;
* ``shift`` — extra title lines on top, so every row moves down;
* ``blank`` / ``hidden`` — blank rows and hidden helper rows inserted inside the tree;
* ``merge`` — headings written as one "1. MANAJEMEN PERUBAHAN" cell merged across the label columns;
* ``column`` — a hidden column inserted (before the answer type, or among the answer columns);
* ``text_numbers`` — counts as "12", "12 orang", "1.234"; survey values as "3,61";
* ``variants`` — options as "ya ", "YA", "a", "A.", "B ", "(c)";
* ``typed_totals`` / ``typed_percent`` — a wrong number typed over a total or percentage formula;
* ``formulas`` — answers as formulas without a saved result ("=12", '="Ya"').

Everything is built in memory (an openpyxl ``Workbook``; ``as_bytes`` saves it when wanted). Each
``Generated`` knows the original answers, the URLs of every soal, the row each soal landed on, and
the rows where a mutation must be reported (a warning naming that row).
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from apps.lke.excel import WorkbookLayout, tree_rows
from apps.lke.excel import messages as m
from apps.lke.scoring import TemplateSpec

TYPE_LABELS = {
    "YA_TIDAK": "Ya/Tidak",
    "ABC": "A/B/C",
    "ABCD": "A/B/C/D",
    "ABCDE": "A/B/C/D/E",
    "JUMLAH": "Jumlah",
    "NILAI_0_4": "Nilai (0-4)",
}
MUTATIONS = (
    "shorten",
    "paraphrase",
    "shift",
    "blank",
    "hidden",
    "merge",
    "column",
    "text_numbers",
    "variants",
    "typed_totals",
    "typed_percent",
    "formulas",
)
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
ABBREVIATIONS = {
    "jumlah": "Jml",
    "pegawai": "peg.",
    "pelayanan": "yanlik",
    "pembangunan": "pemb.",
    "telah": "tlh",
    "dengan": "dg",
    "yang": "yg",
    "dan": "&",
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


@dataclass
class Generated:
    workbook: Workbook
    layout_name: str
    seed: int
    mutations: tuple[str, ...]
    answers: dict[int, str | None]
    links: dict[int, list[str]]
    row_of: dict[int, int]
    must_warn: set[int]
    may_lose: set[int]

    def as_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


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


def _links(rng: random.Random, soal_id: int) -> list[str]:
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


# -----------------------------------------------------------------------------
# Mutations
# -----------------------------------------------------------------------------


def _text_col(line: Line) -> str | None:
    texts = [c for c in "CDEFG" if isinstance(line.cells.get(c), str) and len(line.cells[c]) > 3]
    return texts[-1] if texts else None


def _shorten(text: str, rng: random.Random) -> str:
    words = text.split()
    if len(words) <= 2:
        return text
    if rng.random() < 0.5:
        return text[: max(12, int(len(text) * rng.uniform(0.45, 0.9)))]
    return " ".join(words[-rng.randint(2, min(4, len(words))) :])


def _paraphrase(text: str, rng: random.Random) -> str:
    words = text.split()
    kind = rng.choice(["misspell", "abbreviate", "spacing", "drop"])
    if kind == "misspell":
        for _ in range(2):
            i = rng.randrange(len(words))
            w = words[i]
            if len(w) > 4:
                j = rng.randrange(1, len(w) - 2)
                words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        return " ".join(words)
    if kind == "abbreviate":
        return " ".join(ABBREVIATIONS.get(w.casefold(), w) for w in words)
    if kind == "spacing":
        return "  ".join(words) if rng.random() < 0.5 else " ".join(words).replace(" / ", "/").replace(" (", "(")
    if len(words) > 5:
        del words[rng.randrange(1, len(words) - 1)]
    return " ".join(words)


def _option_variant(answer: str, rng: random.Random) -> str:
    return rng.choice([f"{answer} ", answer.upper(), answer.lower(), f"{answer}.", f" {answer}", f"({answer.lower()})"])


def _number_text(answer: str, answer_type: str, rng: random.Random) -> str:
    if answer_type == "NILAI_0_4":
        return answer.replace(".", ",")
    value = int(answer)
    if value >= 1000:
        return f"{value:,}".replace(",", ".")
    return rng.choice([answer, f"{answer} orang", f" {answer} "])


def mutate(lines: list[Line], layout_name: str, rng: random.Random, chosen: tuple[str, ...]) -> list[Line]:
    soal_lines = [line for line in lines if line.kind == "soal"]
    if "shorten" in chosen:
        for line in rng.sample(soal_lines, k=min(15, len(soal_lines))):
            col = _text_col(line)
            if col:
                line.cells[col] = _shorten(line.cells[col], rng)
    if "paraphrase" in chosen:
        for line in rng.sample(soal_lines, k=min(15, len(soal_lines))):
            col = _text_col(line)
            if col:
                line.cells[col] = _paraphrase(line.cells[col], rng)
    if "text_numbers" in chosen:
        for line in soal_lines:
            kind = line.cells.get("J")
            value = line.cells.get("K")
            if value is not None and kind in {"Jumlah", "Nilai (0-4)"} and rng.random() < 0.6:
                answer = str(value) if kind == "Jumlah" else format(Decimal(str(value)).normalize(), "f")
                line.cells["K"] = _number_text(answer, "JUMLAH" if kind == "Jumlah" else "NILAI_0_4", rng)
    if "variants" in chosen:
        for line in soal_lines:
            value = line.cells.get("K")
            if isinstance(value, str) and line.cells.get("J") not in {"Jumlah", "Nilai (0-4)"} and rng.random() < 0.6:
                line.cells["K"] = _option_variant(value, rng)
    if "formulas" in chosen:
        for line in rng.sample(soal_lines, k=6):
            value = line.cells.get("K")
            if value is None:
                continue
            if line.cells.get("J") == "Jumlah" and isinstance(value, int):
                line.cells["K"] = f"={value}"
                line.must_warn = True  # computed by ZI, said so
            elif isinstance(value, str) and not value.startswith("="):
                line.cells["K"] = f'="{value.strip()}"'
                line.must_warn = line.may_lose = True  # a text formula without a saved result: read blank
    if "typed_totals" in chosen:
        for line in lines:
            if line.kind == "total" and rng.random() < 0.7:
                line.cells["K"] = rng.randint(5000, 9000)  # no count set adds up to this
                line.cells["parts"] = True  # warned when every part is answered (see generate)
    if "typed_percent" in chosen:
        for line in lines:
            if line.kind == "derived" and rng.random() < 0.4:
                line.cells["K"] = "250%"  # never a valid percentage: always disagrees
                line.cells["typed"] = True
    if "merge" in chosen:
        for line in lines:
            if line.kind == "node" and rng.random() < 0.6:
                number_col = next((c for c in "BCDEF" if isinstance(line.cells.get(c), str)), None)
                text_col = _text_col(line) or "G"
                if number_col is None:
                    continue
                joined = f"{line.cells.pop(number_col)} {line.cells.pop(text_col, '')}".strip()
                line.cells[number_col] = joined
                line.merge = (number_col, "G")
    out: list[Line] = []
    tree_started = False
    for line in lines:
        if line.kind == "node":
            tree_started = True
        if tree_started and "blank" in chosen and rng.random() < 0.05:
            out.append(Line("blank"))
        if tree_started and "hidden" in chosen and rng.random() < 0.04:
            out.append(Line("hidden", {"Z": "baris bantu", "G": "(catatan internal tim)"}, hidden=True))
        out.append(line)
    if "shift" in chosen:
        count = rng.randint(1, 4)
        extra = [Line("title", {"B": f"Catatan {i + 1}: diisi oleh tim kerja"}) for i in range(count)]
        out = out[:1] + extra + out[1:] if layout_name == "jawaban" else extra + out  # Jawaban keeps its header
    return out


# -----------------------------------------------------------------------------
# Writing
# -----------------------------------------------------------------------------


def _column_map(inserted_before: str | None) -> Callable[[str], str]:
    if inserted_before is None:
        return lambda letter: letter
    cut = column_index_from_string(inserted_before)

    def shift(letter: str) -> str:
        index = column_index_from_string(letter)
        return get_column_letter(index + 1 if index >= cut else index)

    return shift


def emit(lines: list[Line], sheet_title: str, inserted_before: str | None) -> tuple[Workbook, dict[int, int]]:
    col = _column_map(inserted_before)
    for row, line in enumerate(lines, start=1):
        line.row = row
    row_of = {line.soal_id: line.row for line in lines if line.soal_id is not None}
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet_title

    def resolve(value: Any) -> Any:
        if isinstance(value, str) and "{K:" in value:
            out = value
            for soal_id, row in row_of.items():
                out = out.replace(f"{{K:{soal_id}}}", f"{col('K')}{row}")
            return out
        return value

    for line in lines:
        for letter, value in line.cells.items():
            if letter in {"parts", "typed"} or value is None:
                continue
            ws[f"{col(letter)}{line.row}"] = resolve(value)
        if line.merge is not None:
            ws.merge_cells(f"{col(line.merge[0])}{line.row}:{col(line.merge[1])}{line.row}")
        if line.hidden:
            ws.row_dimensions[line.row].hidden = True
    if inserted_before is not None:
        ws.column_dimensions[inserted_before].hidden = True
    return workbook, row_of


def generate(
    spec: TemplateSpec,
    layout: WorkbookLayout,
    seed: int,
    *,
    layout_name: str | None = None,
    mutations: tuple[str, ...] | None = None,
    real_world: bool | None = None,
) -> Generated:
    rng = random.Random(seed)
    layout_name = layout_name or ("jawaban" if seed % 2 == 0 else "lke_zi")
    answers = random_answers(spec, rng)
    links = {soal_id: _links(rng, soal_id) for soal_id in spec.soal_by_id()}
    notes = {soal_id: f"Catatan unit {soal_id}" for soal_id in spec.soal_by_id() if rng.random() < 0.3}
    if layout_name == "jawaban":
        lines = jawaban_lines(spec, layout, answers, links, notes)
        sheet_title = "Jawaban"
    else:
        drawn_real = rng.random() < 0.5
        lines = lke_zi_lines(
            spec, layout, answers, links, notes, real_world=drawn_real if real_world is None else real_world
        )
        sheet_title = rng.choice(["LKE ZI", "LKE ZI", "Sheet1"])
    drawn = tuple(sorted(rng.sample(MUTATIONS, k=rng.randint(2, 7))))
    chosen = drawn if mutations is None else mutations
    lines = mutate(lines, layout_name, rng, chosen)
    inserted = rng.choice(["C", "H", "I", "L", "N"]) if "column" in chosen else None
    workbook, row_of = emit(lines, sheet_title, inserted)
    must_warn = set()
    for line in lines:
        if line.must_warn and line.kind == "soal":
            must_warn.add(line.row)
        if line.kind == "total" and line.cells.get("parts") and line.code:
            formula = next(d.formula for d in spec.derived() if d.code == line.code)
            lost = {line.soal_id for line in lines if line.may_lose}
            if all(answers.get(i) is not None and i not in lost for i in formula["denominator"]):
                must_warn.add(line.row)
        if line.kind == "derived" and line.cells.get("typed"):
            must_warn.add(line.row)
    may_lose = {line.row for line in lines if line.may_lose}
    return Generated(workbook, layout_name, seed, chosen, answers, links, row_of, must_warn, may_lose)
