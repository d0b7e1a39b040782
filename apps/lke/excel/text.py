"""Cell text: trimmed text, trigrams and similarity, answer-type labels, numbering, what a
problem shows, and an answer read leniently into its canonical form."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from apps.lke.excel.cells import read_number, read_option
from apps.lke.scoring import OPTION_TYPES, AnswerError, SoalSpec

_TYPE_BY_LABEL = {
    "ya/tidak": "YA_TIDAK",
    "ya/tdk": "YA_TIDAK",
    "a/b/c": "ABC",
    "a/b/c/d": "ABCD",
    "a/b/c/d/e": "ABCDE",
    "jumlah": "JUMLAH",
    "nilai(0-4)": "NILAI_0_4",
    "nilai0-4": "NILAI_0_4",
    "0-4": "NILAI_0_4",
    "%": "PERCENT",
    "persentase": "PERCENT",
}
NUMBER_TOKEN = re.compile(r"^\(?([A-Za-z]{1,4}|\d{1,2})[.)]$|^([-–•])$")
BULLET = re.compile(r"^\s*[-–•]\s*(.*)$", re.DOTALL)


def text_of(value: Any) -> str | None:
    """A cell as trimmed text (whole floats lose Excel's ``.0``); blank → None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def is_formula(cell_value: Any) -> bool:
    return (isinstance(cell_value, str) and cell_value.startswith("=")) or type(cell_value).__name__ == "ArrayFormula"


def norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w%]+", " ", text.casefold()).split())


def grams(text: str) -> frozenset[str]:
    """Character trigrams of the text without spaces: robust to spacing, misspelling and cuts."""
    squashed = re.sub(r"[^\w%]+", "", text.casefold())
    if len(squashed) < 3:
        return frozenset({squashed}) if squashed else frozenset()
    return frozenset(squashed[i : i + 3] for i in range(len(squashed) - 2))


def containment(a: frozenset[str], b: frozenset[str]) -> float:
    """How much of the shorter text the longer one holds (1 for a cut or an added explanation)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """0..1: how much of the shorter text the longer holds, and how alike they are overall."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    if not common:
        return 0.0
    return 0.6 * common / min(len(a), len(b)) + 0.4 * common / len(a | b)


def answer_type_of(value: Any) -> str | None:
    text = text_of(value)
    if text is None or len(text) > 20:
        return None
    return _TYPE_BY_LABEL.get(re.sub(r"\s+", "", text).casefold())


def number_key(token: str) -> str:
    token = token.strip().strip("().").casefold()
    return "-" if token in {"-", "–", "•"} else token


def show(value: Any) -> str:
    text = text_of(value)
    return shorten(text or "", 60) if text else "—"


def show_percent(value: Decimal) -> str:
    return f"{format((value * 100).quantize(Decimal('0.01')).normalize(), 'f')}%"


def show_number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def shorten(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def normalise_answer(soal: SoalSpec, value: Any) -> str:
    """The canonical answer of a cell, read leniently; raises ``AnswerError`` with the scoring codes."""
    if soal.answer_type in OPTION_TYPES:
        key = read_option(value, list(soal.options))
        if key is None:
            raise AnswerError(soal.soal_id, f"{value!r} is no option", "unknown_option")
        return key
    found = read_number(value, whole=soal.answer_type == "JUMLAH")
    if found is None or found[1]:
        raise AnswerError(soal.soal_id, f"{value!r} is not a number", "not_a_number")
    number = found[0]
    if soal.answer_type == "JUMLAH":
        if number < 0 or number != number.to_integral_value():
            raise AnswerError(soal.soal_id, f"{value!r} is no count", "not_whole_number")
        return str(int(number))
    if number < 0 or number > 4:
        raise AnswerError(soal.soal_id, f"{value!r} is out of range", "out_of_range")
    return format(number.normalize(), "f")
