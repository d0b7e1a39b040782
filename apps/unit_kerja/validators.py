"""NIP (Nomor Induk Pegawai) validation.

An 18-digit NIP reads: birth date YYYYMMDD, CPNS appointment YYYYMM, sex (1 man, 2 woman), serial
number (3 digits). We check the length, the digits and that the embedded dates and sex are real.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NIP_INVALID_LENGTH = _("NIP must be exactly 18 digits.")
NIP_INVALID_BIRTH_DATE = _("NIP digits 1 to 8 must be a valid birth date (YYYYMMDD).")
NIP_INVALID_APPOINTMENT = _("NIP digits 9 to 14 must be a valid appointment month (YYYYMM).")
NIP_INVALID_SEX = _("NIP digit 15 must be 1 or 2.")


def normalize_nip(raw: str) -> str:
    """Drop the spaces and dots that people type inside NIPs ("19850101 201001 1 001")."""
    return "".join(ch for ch in str(raw) if ch not in " .-\t")


def validate_nip(value: str) -> None:
    # isascii(): str.isdigit() also accepts Arabic-Indic and other Unicode digits.
    if len(value) != 18 or not (value.isascii() and value.isdigit()):
        raise ValidationError(NIP_INVALID_LENGTH, code="nip_length")
    try:
        birth = datetime.date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError as exc:
        raise ValidationError(NIP_INVALID_BIRTH_DATE, code="nip_birth_date") from exc
    if birth.year < 1930:
        raise ValidationError(NIP_INVALID_BIRTH_DATE, code="nip_birth_date")
    year, month = int(value[8:12]), int(value[12:14])
    if not (1950 <= year <= 2100 and 1 <= month <= 12) or year < birth.year:
        raise ValidationError(NIP_INVALID_APPOINTMENT, code="nip_appointment")
    if value[14] not in "12":
        raise ValidationError(NIP_INVALID_SEX, code="nip_sex")


def person_name_key(name: str) -> tuple[str, ...]:
    """A person's name without academic or honorific titles, for "is this the same person?".

    Titles written after a comma ("Hendra Wijaya, S.H., M.H.") and tokens with a dot ("Dr.",
    "Ir.", "H.") are dropped; case and punctuation do not count. "Dr. Hendra Wijaya" and
    "hendra wijaya, S.H." have the same key; "Dewi Anggraini" and "Dedi Lestari" do not.
    """
    head = str(name or "").split(",", 1)[0]
    tokens = []
    for raw in head.split():
        if "." in raw:
            continue
        token = "".join(ch for ch in raw.casefold() if ch.isalnum() or ch == "'")
        if token:
            tokens.append(token)
    return tuple(tokens)


def same_person_name(first: str, second: str) -> bool:
    """True when both names are given and have the same key (see ``person_name_key``)."""
    key = person_name_key(first)
    return bool(key) and key == person_name_key(second)
