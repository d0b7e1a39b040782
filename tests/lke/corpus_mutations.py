"""The ways the corpus (tests/lke/corpus.py) spoils a filled LKE, as real ones are spoilt; ``mutate``
applies a chosen set of them to the lines of a layout (tests/lke/corpus_layouts.py):

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

A mutation the importer has to report marks its line ``must_warn``; one whose answer may be read
blank marks it ``may_lose`` (then with a warning on its row).
"""

from __future__ import annotations

import random
from decimal import Decimal

from tests.lke.corpus_layouts import Line

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
