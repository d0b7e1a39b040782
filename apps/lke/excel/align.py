"""The template's rows (slots) and the sheet's rows (lines), aligned: the best order-preserving
matching, like a diff, scored by numbering, answer type, master row and soal id."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apps.lke.excel import messages as m
from apps.lke.excel.cells import read_number, read_option
from apps.lke.excel.layout import WorkbookLayout, tree_rows
from apps.lke.excel.text import grams, is_formula, number_key, similarity
from apps.lke.scoring import OPTION_TYPES, SoalSpec, TemplateSpec


@dataclass
class Slot:
    kind: str  # node / soal / derived / total
    number: str
    type: str | None
    text: str
    grams: frozenset[str]
    master_row: int
    key: int | str | None  # soal id / derived code
    soal: SoalSpec | None = None
    code: str | None = None
    parts: tuple[int, ...] = ()

    @property
    def scored_item(self) -> bool:
        return self.kind == "derived" or (self.kind == "soal" and self.type != "JUMLAH")


@dataclass
class Line:
    row: int
    number: str
    text: str
    grams: frozenset[str]
    type: str | None
    id_value: Any
    answer: Any

    @property
    def item_like(self) -> bool:
        return self.type is not None or self.answer is not None


def template_slots(spec: TemplateSpec, layout: WorkbookLayout) -> list[Slot]:
    out = []
    for row in tree_rows(spec, layout):
        number = number_key(row.number)
        if row.kind == "node":
            out.append(Slot("node", number, None, row.label, grams(row.label), row.row, None))
        elif row.kind == "soal" and row.soal is not None:
            soal = row.soal
            out.append(
                Slot("soal", number, soal.answer_type, row.label, grams(row.label), row.row, soal.soal_id, soal=soal)
            )
        elif row.kind == "derived" and row.derived is not None:
            code = row.derived.code
            out.append(Slot("derived", number, "PERCENT", row.label, grams(row.label), row.row, code, code=code))
        elif row.kind == "total" and row.derived is not None:
            text = f"{m.TOTAL_OBLIGED} jumlah yang wajib melaporkan"
            out.append(
                Slot("total", "", "JUMLAH", text, grams(text), row.row, None, code=row.derived.code, parts=row.parts)
            )
    return out


def match_score(line: Line, slot: Slot, *, jawaban: bool) -> float | None:
    if slot.kind == "node":
        if line.item_like or (line.id_value is not None and not isinstance(line.id_value, str)):
            return None
        sim = similarity(line.grams, slot.grams)
        if line.number and line.number == slot.number:
            return 3 + 2 * sim + (1 if jawaban and line.row == slot.master_row else 0)
        if sim >= 0.75:
            return 1 + 2 * sim
        return None
    score = 0.0
    if line.type is not None:
        if line.type != slot.type:
            return None
        score += 3 if slot.kind != "total" else 2
    elif line.answer is not None:
        if not fits(line.answer, slot):
            return None
        score += 1.5
    elif jawaban and line.row == slot.master_row:
        score += 1
    elif similarity(line.grams, slot.grams) >= 0.8:
        score += 0.5
    else:
        return None
    if slot.scored_item:
        if line.number and line.number != "-":
            score += 1.5 if line.number == slot.number else -1
    elif slot.kind == "total":
        score += 0.5 if not line.number else -0.5
    elif line.number == "-" or line.number.isdigit():
        score += 0.5
    if line.id_value is not None and slot.key is not None:
        if line.id_value == slot.key:
            score += 10
        elif isinstance(line.id_value, int) or (isinstance(slot.key, str) and line.id_value != slot.key):
            score -= 5
    if jawaban and line.row == slot.master_row:
        score += 2
    return score + 3 * similarity(line.grams, slot.grams)


def fits(answer: Any, slot: Slot) -> bool:
    if slot.kind in {"derived", "total"}:
        return is_formula(answer) or read_number(answer) is not None
    if slot.soal is None:
        return False
    if slot.type in OPTION_TYPES:
        return read_option(answer, list(slot.soal.options)) is not None
    return is_formula(answer) or read_number(answer) is not None


def align(lines: list[Line], slots: list[Slot], *, jawaban: bool) -> list[tuple[Line, Slot]]:
    """The best order-preserving matching of lines to slots (a banded Needleman–Wunsch)."""
    n, k = len(lines), len(slots)
    below, above = 45, 25  # lines may be up to 45 ahead of their slot (titles, inserted rows)
    neg = float("-inf")
    line_gap = [1.0 if line.item_like else 0.05 for line in lines]
    slot_gap = [0.5 if s.kind == "node" else (0.8 if s.kind == "total" else 2.0) for s in slots]
    # score[i][j] over the band j - above <= i <= j + below
    best: list[dict[int, float]] = [{} for _ in range(n + 1)]
    move: list[dict[int, int]] = [{} for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        lo, hi = max(0, i - below), min(k, i + above)
        row_best, row_move = best[i], move[i]
        for j in range(lo, hi + 1):
            if i == 0 and j == 0:
                continue
            value, how = neg, 0
            if i > 0 and j in best[i - 1]:
                candidate = best[i - 1][j] - line_gap[i - 1]
                if candidate > value:
                    value, how = candidate, 1
            if j > 0 and (j - 1) in row_best:
                candidate = row_best[j - 1] - slot_gap[j - 1]
                if candidate > value:
                    value, how = candidate, 2
            if i > 0 and j > 0 and (j - 1) in best[i - 1]:
                pair = match_score(lines[i - 1], slots[j - 1], jawaban=jawaban)
                if pair is not None:
                    candidate = best[i - 1][j - 1] + pair
                    if candidate > value:
                        value, how = candidate, 3
            if how:
                row_best[j], row_move[j] = value, how
    i, j = n, k
    if j not in best[i]:  # the sheet is much shorter than the template: end where the band ends
        j = max(best[i]) if best[i] else 0
    pairs: list[tuple[Line, Slot]] = []
    while i > 0 or j > 0:
        how = move[i].get(j, 1 if i > 0 else 2)
        if how == 3:
            pairs.append((lines[i - 1], slots[j - 1]))
            i, j = i - 1, j - 1
        elif how == 1:
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    return pairs
