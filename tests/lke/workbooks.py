"""Test workbook builders: a realistic Lampiran III ``LKE ZI`` sheet, answer sets, broken files.

``lke_zi_workbook`` lays the sheet out the way units have filled it since 2022 — title lines and a
merged header, the tree numbered "A.", "I.", "1.", "i.", "a." across columns B–G, weight H,
criteria I, answer type J, the answer K, the official value formula in L and percent in M, the
unit's note (N) and evidence link (O); a percentage row is a formula over the ``Jumlah`` rows
beneath it and the LHKPN/LHKASN groups have a "total obliged" formula line. It is built from the
master (the spec and its layout), independently of the parser's own row logic, and takes hooks to
spoil it the ways real workbooks are spoiled (a number typed over a formula, a wrong key, …).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from apps.lke.excel import WorkbookLayout
from apps.lke.scoring import DerivedSpec, NodeSpec, SoalSpec, TemplateSpec

TYPE_LABELS = {
    "YA_TIDAK": "Ya/Tidak",
    "ABC": "A/B/C",
    "ABCD": "A/B/C/D",
    "ABCDE": "A/B/C/D/E",
    "JUMLAH": "Jumlah",
    "NILAI_0_4": "Nilai (0-4)",
}
HEADER_ROW = 6
FIRST_TREE_ROW = 8

# The official value formula of column L (REFERENCE §2.2), for any answer type in column J.
VALUE_FORMULA = (
    '=IF(K{r}="","Blm Diisi",IF(J{r}="Ya/Tidak",IF(K{r}="Ya",1,0),IF(J{r}="A/B/C",IF(K{r}="A",1,'
    'IF(K{r}="B",0.5,0)),IF(J{r}="A/B/C/D",IF(K{r}="A",1,IF(K{r}="B",0.67,IF(K{r}="C",0.33,0))),'
    'IF(J{r}="A/B/C/D/E",IF(K{r}="A",1,IF(K{r}="B",0.75,IF(K{r}="C",0.5,IF(K{r}="D",0.25,0)))),'
    'IF(J{r}="Nilai (0-4)",K{r}/4,IF(J{r}="%",K{r},"")))))))'
)


def sample_answers(spec: TemplateSpec) -> dict[int, str | None]:
    """A hand-filled, realistic set: mixed options, a few blanks, every derived edge case fed."""
    answers: dict[int, str | None] = {}
    for soal_id, soal in spec.soal_by_id().items():
        if soal.options:
            keys = list(soal.options)
            answers[soal_id] = keys[(soal_id * 7) % len(keys)]
    for blank in (5, 38, 62, 100):
        answers[blank] = None
    answers.update(
        {
            88: "10",
            89: "7",  # agents, changes made → 70 %
            90: "7",
            91: "5",  # changes made, integrated → 5/7
            102: "4",
            103: "1",
            104: "1",  # violations fell from 4 to 1 → 75 %
            105: "8",
            106: "6",  # targets, achieved → 75 %
            110: "0",
            111: "0",
            112: "0",  # nothing to follow up → 100 % (DESIGN §7)
            113: "1",
            114: "5",
            115: "2",
            116: "8",  # LHKPN: 8 of 8 filed
            117: "3",
            118: "6",
            119: "40",
            120: "45",  # LHKASN: 45 of 49
            122: "12",
            123: "3",  # 3 of 12 services simplified
            125: "3.61",
            126: "B",
            127: "3.3",
        }
    )
    return answers


def tpi_answers(spec: TemplateSpec) -> dict[int, str | None]:
    """A second, harsher set (the TPI's): other options and the other edge cases."""
    answers: dict[int, str | None] = {}
    for soal_id, soal in spec.soal_by_id().items():
        if soal.options:
            keys = list(soal.options)
            answers[soal_id] = keys[(soal_id * 3 + 1) % len(keys)]
    answers.update(
        {
            88: "4",
            89: "9",  # more changes than agents: capped at 100 %
            90: "0",
            91: "0",  # nothing made → 0 % (empty denominator "zero")
            102: "0",
            103: "3",
            104: "3",  # none last year, three now → 0 (DESIGN §7)
            105: "5",
            106: None,  # an input blank → the item is not filled
            110: "10",
            111: "2",
            112: "7",
            113: "0",
            114: "0",
            115: "0",
            116: "0",  # nobody obliged → 100 %
            117: "2",
            118: "2",
            119: "6",
            120: "10",
            122: "0",
            123: "0",
            125: "2.8",
            126: "D",
            127: "4",
        }
    )
    return answers


@dataclass
class _Line:
    kind: str  # node / soal / derived / total
    depth: int
    number: str
    text: str
    node: NodeSpec | None = None
    soal: SoalSpec | None = None
    derived: DerivedSpec | None = None
    type_label: str = ""  # an extra question's column J
    row: int = 0


def _items(node: NodeSpec, layout: WorkbookLayout) -> list[tuple[int, Any]]:
    placed = [(layout.soal[s.soal_id].row, s) for s in node.soal]
    placed += [(layout.derived[d.code].row or 0, d) for d in node.derived]
    return sorted(placed, key=lambda p: p[0])


def _lines(spec: TemplateSpec, layout: WorkbookLayout, texts: Mapping[int, str], omit: set[int]) -> list[_Line]:
    lines: list[_Line] = []

    def walk(node: NodeSpec, depth: int) -> None:
        number, _, name = node.name.partition(". ")
        lines.append(_Line("node", depth, f"{number}.", name, node=node))
        letter = 0
        for _, item in _items(node, layout):
            if isinstance(item, DerivedSpec):
                lines.append(
                    _Line("derived", depth + 1, f"{chr(97 + letter)}.", layout.derived[item.code].text, derived=item)
                )
                letter += 1
                formula = item.formula
                if formula["type"] == "ratio" and len(formula["denominator"]) > 1:
                    lines.append(_Line("total", depth + 1, "", "Jumlah yang wajib melaporkan", derived=item))
            elif item.soal_id in omit:
                continue
            elif item.answer_type == "JUMLAH":
                lines.append(
                    _Line("soal", depth + 1, "-", texts.get(item.soal_id, layout.soal[item.soal_id].text), soal=item)
                )
            else:
                text = texts.get(item.soal_id, layout.soal[item.soal_id].text)
                lines.append(_Line("soal", depth + 1, f"{chr(97 + letter)}.", text, soal=item))
                letter += 1
        for child in node.children:
            walk(child, depth + 1)

    for root in spec.roots:
        walk(root, 0)
    return lines


def lke_zi_workbook(
    spec: TemplateSpec,
    layout: WorkbookLayout,
    answers: Mapping[int, str | None],
    *,
    notes: Mapping[int, str] | None = None,
    evidence: Mapping[int, str] | None = None,
    raw: Mapping[int, Any] | None = None,
    typed_percent: Mapping[str, Any] | None = None,
    typed_total: Mapping[str, Any] | None = None,
    texts: Mapping[int, str] | None = None,
    omit: Iterable[int] = (),
    extra_question: tuple[int, str, str] | None = None,
    sheet_title: str = "LKE ZI",
    unit_name: str = "Direktorat Pelayanan A1",
) -> bytes:
    """A filled Lampiran III workbook.

    Hooks: ``raw`` writes a cell value in K instead of the answer (a wrong key, 2.5 people…);
    ``typed_percent`` / ``typed_total`` type a number over the percentage / total formula of a
    derived item (by code); ``texts`` rewords questions; ``omit`` leaves soal out;
    ``extra_question`` = (after soal id, answer type label, text) adds a question the template lacks.
    """
    notes, evidence, raw = notes or {}, evidence or {}, raw or {}
    typed_percent, typed_total = typed_percent or {}, typed_total or {}
    lines = _lines(spec, layout, texts or {}, set(omit))
    if extra_question is not None:
        after, type_label, text = extra_question
        index = next(i for i, line in enumerate(lines) if line.soal is not None and line.soal.soal_id == after)
        lines.insert(index + 1, _Line("extra", lines[index].depth, "z.", text, type_label=type_label))
    for offset, line in enumerate(lines):
        line.row = FIRST_TREE_ROW + offset
    row_of_soal = {line.soal.soal_id: line.row for line in lines if line.soal is not None}

    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title
    for r, text in enumerate(
        [
            "LAMPIRAN III",
            "PERATURAN MENTERI PENDAYAGUNAAN APARATUR NEGARA DAN REFORMASI BIROKRASI NOMOR 90 TAHUN 2021",
            "LEMBAR KERJA EVALUASI ZONA INTEGRITAS MENUJU WBK/WBBM",
            f"Unit Kerja : {unit_name}",
        ],
        start=1,
    ):
        ws[f"B{r}"] = text
        ws.merge_cells(f"B{r}:O{r}")
    headers = {
        "B": "KOMPONEN",
        "H": "BOBOT",
        "I": "KRITERIA PENILAIAN",
        "J": "PILIHAN JAWABAN",
        "K": "JAWABAN",
        "L": "NILAI",
        "M": "%",
        "N": "PENJELASAN / CATATAN",
        "O": "LINK BUKTI DUKUNG",
    }
    for col, text in headers.items():
        ws[f"{col}{HEADER_ROW}"] = text
    ws.merge_cells(f"B{HEADER_ROW}:G{HEADER_ROW}")
    for index, col in enumerate("BHIJKLMNO", start=1):
        ws[f"{col}{HEADER_ROW + 1}"] = f"({index})"

    for line in lines:
        r = line.row
        num_col = get_column_letter(2 + min(line.depth, 4))
        text_col = get_column_letter(2 + min(line.depth, 4) + 1)
        if line.kind == "node":
            node = line.node
            assert node is not None
            ws[f"{num_col}{r}"] = line.number
            ws[f"{text_col}{r}"] = line.text
            if text_col != "G":
                ws.merge_cells(f"{text_col}{r}:G{r}")
            ws[f"H{r}"] = float(node.weight)
            if node.children:
                child_rows = [x.row for x in lines if x.kind == "node" and x.node in node.children]
                ws[f"L{r}"] = "=" + "+".join(f"L{c}" for c in child_rows)
            else:
                own = [
                    x.row
                    for x in lines
                    if x.kind in {"soal", "derived"} and (x.soal in node.soal or x.derived in node.derived)
                ]
                ws[f"L{r}"] = f"=IFERROR(AVERAGE(L{min(own)}:L{max(own)})*H{r},0)"
            ws[f"M{r}"] = f"=L{r}/H{r}"
            continue
        if line.kind == "extra":
            ws[f"{num_col}{r}"] = line.number
            ws[f"{text_col}{r}"] = line.text
            ws[f"J{r}"] = line.type_label
            ws[f"K{r}"] = "A"
            continue
        if line.depth >= 5:  # under a sub-sub-area: numbering and text share column G
            ws[f"G{r}"] = f"{line.number} {line.text}".strip()
        else:
            if line.number:
                ws[f"{num_col}{r}"] = line.number
            ws[f"{text_col}{r}"] = line.text
            if text_col != "G":
                ws.merge_cells(f"{text_col}{r}:G{r}")
        if line.kind == "derived":
            derived = line.derived
            assert derived is not None
            ws[f"J{r}"] = "%"
            ws[f"K{r}"] = typed_percent.get(derived.code, _percent_formula(derived, row_of_soal))
            ws[f"L{r}"] = f"=K{r}"
            continue
        if line.kind == "total":
            derived = line.derived
            assert derived is not None
            parts = [f"K{row_of_soal[i]}" for i in derived.formula["denominator"]]
            ws[f"J{r}"] = "Jumlah"
            ws[f"K{r}"] = typed_total.get(derived.code, f"=SUM({','.join(parts)})")
            continue
        soal = line.soal
        assert soal is not None
        where = layout.soal[soal.soal_id]
        ws[f"I{r}"] = where.criteria
        ws[f"J{r}"] = TYPE_LABELS[soal.answer_type]
        if soal.soal_id in raw:
            ws[f"K{r}"] = raw[soal.soal_id]
        else:
            ws[f"K{r}"] = _cell(soal, answers.get(soal.soal_id))
        if soal.answer_type != "JUMLAH":
            ws[f"L{r}"] = VALUE_FORMULA.format(r=r)
        if soal.weight:
            ws[f"H{r}"] = float(soal.weight)
        if soal.soal_id in notes:
            ws[f"N{r}"] = notes[soal.soal_id]
        if soal.soal_id in evidence:
            ws[f"O{r}"] = evidence[soal.soal_id]
    last = lines[-1].row + 2
    ws[f"B{last}"] = "NILAI EVALUASI ZONA INTEGRITAS"
    roots = [line.row for line in lines if line.kind == "node" and line.depth == 0]
    ws[f"L{last}"] = "=" + "+".join(f"L{r}" for r in roots)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _cell(soal: SoalSpec, answer: str | None) -> Any:
    if answer is None:
        return None
    if soal.answer_type == "JUMLAH":
        return int(answer)
    if soal.answer_type == "NILAI_0_4":
        return float(Decimal(answer))
    return answer


def _percent_formula(derived: DerivedSpec, row_of_soal: Mapping[int, int]) -> str:
    formula = derived.formula
    if formula["type"] == "decrease":
        prev, now = row_of_soal[formula["previous"]], row_of_soal[formula["current"]]
        return f"=IF(K{prev}=0,IF(K{now}=0,1,0),MAX(0,(K{prev}-K{now})/K{prev}))"
    numerator = "+".join(f"K{row_of_soal[i]}" for i in formula["numerator"])
    denominator = "+".join(f"K{row_of_soal[i]}" for i in formula["denominator"])
    return f"=IF(({denominator})=0,0,MIN(1,({numerator})/({denominator})))"


def jawaban_from(
    answers: Mapping[int, str | None], tpi: Mapping[int, str | None] | None = None
) -> dict[int, dict[str, Any]]:
    """Answer sets in the shape ``build_workbook`` takes, with a note and an evidence link on each."""
    out: dict[int, dict[str, Any]] = {}
    for soal_id, answer in answers.items():
        out[soal_id] = {
            "answer_unit": answer,
            "note_unit": f"Catatan unit {soal_id}",
            "evidence_unit": f"https://drive.example.go.id/bukti/{soal_id}",
            "answer_tpi": (tpi or {}).get(soal_id),
            "note_tpi": f"Catatan TPI {soal_id}" if tpi else None,
        }
    return out


def other_workbook() -> bytes:
    """An xlsx of another kind altogether (a roster)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Pegawai"
    ws.append(["NIP", "Nama"])
    ws.append(["198001012005011001", "Ani"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def zip_not_xlsx() -> bytes:
    """A zip archive that is not a workbook (a renamed .zip of documents)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bukti/sk-tim.txt", "SK tim kerja ZI")
    return buffer.getvalue()


NOT_XLSX = b"NIP;Nama\n198001012005011001;Ani\n"
