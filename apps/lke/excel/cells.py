"""What a real sheet's cells hold, read leniently (issue 16: "what real sheets hold").

* numbers stored as text: ``"12"``, ``"12 orang"``, ``"1.234"`` (Indonesian thousands), ``"80%"``,
  ``"80,5"`` (decimal comma) — ``read_number`` gives a ``Decimal`` (and whether it was a percent);
* option answers with case, punctuation and space variants: ``"ya "``, ``"YA"``, ``"a"``, ``"A."``,
  ``"B "``, ``"(c)"``, ``"A. Jika …"`` — ``read_option`` gives the master's key;
* formulas without a saved result: ``evaluate`` computes the simple ones (cell references,
  arithmetic, ``SUM``) from the sheet itself; anything else is left to the caller to report;
* links: ``urls_in`` finds every web address in a text.

Pure functions over plain values; nothing here knows about rows or templates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.utils import column_index_from_string, get_column_letter

_UNIT_WORDS = re.compile(r"^\s*([-+]?[\d.,\s]*\d)\s*(%?)\s*[A-Za-z/ .]*$")
_THOUSANDS_DOT = re.compile(r"^[-+]?\d{1,3}(\.\d{3})+$")
_THOUSANDS_SPACE = re.compile(r"^[-+]?\d{1,3}( \d{3})+$")
URL = re.compile(r"https?://[^\s<>\"'，,;]+", re.IGNORECASE)


def read_number(value: Any, *, whole: bool = False) -> tuple[Decimal, bool] | None:
    """``(number, is_percent)`` of a cell value, or None when it holds no number.

    ``whole`` (a count) reads a dot followed by groups of three digits as thousands (``"1.234"`` →
    1234); otherwise a lone dot is the decimal point (``"3.61"``). A comma is always the decimal
    comma, as Indonesian sheets write it (``"80,5"``); with both, dots are thousands.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
        return (number, False) if number.is_finite() else None
    text = str(value).replace("\u00a0", " ").strip()
    match = _UNIT_WORDS.match(text)
    if not match:
        return None
    digits, percent = match.group(1).strip(), match.group(2) == "%"
    if _THOUSANDS_SPACE.match(digits):
        digits = digits.replace(" ", "")
    digits = digits.replace(" ", "")
    if "," in digits and "." in digits:
        digits = digits.replace(".", "").replace(",", ".")
    elif "," in digits:
        digits = digits.replace(",", ".")
    elif whole and _THOUSANDS_DOT.match(digits):
        digits = digits.replace(".", "")
    try:
        number = Decimal(digits)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return number, percent


def read_option(value: Any, keys: Mapping[str, Any] | list[str]) -> str | None:
    """The option key a cell means, or None. ``"ya "``/``"YA"``/``"Ya."`` → ``"Ya"``,
    ``"a"``/``"A."``/``"(b)"``/``"B "``/``"A. Jika …"`` → ``"A"``/``"B"``."""
    if value is None:
        return None
    text = str(value).replace("\u00a0", " ").strip()
    if not text:
        return None
    options = list(keys)
    by_fold = {k.casefold(): k for k in options}
    bare = re.sub(r"[\s.,;:()\[\]'\"`*]+", "", text).casefold()
    if bare in by_fold:
        return by_fold[bare]
    # "A. Jika …", "b) sebagian", "Ya, sudah": the first word, when it is a key
    first = re.match(r"^\(?\s*([A-Za-z]+)\s*[.):,\-]?(?:\s|$)", text)
    if first and first.group(1).casefold() in by_fold:
        return by_fold[first.group(1).casefold()]
    return None


def urls_in(text: str | None) -> list[str]:
    """Every http(s) address in a text, in order, without trailing punctuation."""
    if not text:
        return []
    return [u.rstrip(".)]}") for u in URL.findall(text)]


# -----------------------------------------------------------------------------
# Formulas whose result was never saved (a workbook written by a program, not Excel)
# -----------------------------------------------------------------------------

_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")
_RANGE = re.compile(r"\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)")
_SAFE = re.compile(r"^[\d.+\-*/() ]*$")


def evaluate(formula: str, cell: Callable[[str, int], Any], depth: int = 0) -> Decimal | None:
    """The value of a simple formula (``=K12``, ``=5``, ``=K10+K11*2``, ``=SUM(K10:K12,K14)``) over
    the sheet's cells (``cell(column, row)`` gives a raw value, possibly another formula), or None
    when the formula uses anything else or a referenced cell holds no number."""
    if depth > 8 or not formula.startswith("="):
        return None
    expression = formula[1:].upper().replace("$", "")

    def value_of(col: str, row: int) -> Decimal | None:
        raw = cell(col, row)
        if isinstance(raw, str) and raw.startswith("="):
            return evaluate(raw, cell, depth + 1)
        if raw is None or raw == "":
            return Decimal(0)
        found = read_number(raw)
        return found[0] if found else None

    def expand_sum(match: re.Match[str]) -> str:
        parts: list[str] = []
        for arg in match.group(1).split(","):
            arg = arg.strip()
            rng = _RANGE.fullmatch(arg)
            if rng:
                c1, r1, c2, r2 = rng.group(1), int(rng.group(2)), rng.group(3), int(rng.group(4))
                for ci in range(column_index_from_string(c1), column_index_from_string(c2) + 1):
                    for r in range(r1, r2 + 1):
                        parts.append(f"{get_column_letter(ci)}{r}")
            else:
                parts.append(arg)
        return "(" + "+".join(parts or ["0"]) + ")"

    expression = re.sub(r"SUM\(([^()]*)\)", expand_sum, expression)
    failed = False

    def substitute(match: re.Match[str]) -> str:
        nonlocal failed
        found = value_of(match.group(1), int(match.group(2)))
        if found is None:
            failed = True
            return "0"
        return f"({format(found, 'f')})"

    expression = _REF.sub(substitute, expression)
    if failed or not _SAFE.match(expression):
        return None
    try:
        result = _arith(expression)
    except (ArithmeticError, ValueError, IndexError):
        return None
    return result


def _arith(expression: str) -> Decimal:
    """A tiny recursive-descent evaluator over Decimal: + - * / and parentheses."""
    tokens = re.findall(r"\d+(?:\.\d+)?|[-+*/()]", expression)
    position = 0

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        token = tokens[position]
        position += 1
        return token

    def atom() -> Decimal:
        item = take()
        if item == "(":
            value = sum_()
            if take() != ")":
                raise ValueError("unbalanced")
            return value
        if item == "-":
            return -atom()
        if item == "+":
            return atom()
        return Decimal(item)

    def product() -> Decimal:
        value = atom()
        while peek() in {"*", "/"}:
            value = value * atom() if take() == "*" else value / atom()
        return value

    def sum_() -> Decimal:
        value = product()
        while peek() in {"+", "-"}:
            value = value + product() if take() == "+" else value - product()
        return value

    result = sum_()
    if position != len(tokens):
        raise ValueError("trailing tokens")
    return result
