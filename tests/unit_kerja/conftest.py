"""Helpers for the unit kerja tests: memberships of the personas and small file builders."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from apps.tenancy.models import Membership
from tests.conftest import World

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Valid NIPs: born 1985-01-01, appointed 2010-01, man/woman, serial.
NIP_1 = "198501012010011001"
NIP_2 = "199002152015032002"
NIP_3 = "197812312005011003"


@pytest.fixture
def citra_m(world: World) -> Membership:
    """Admin ZI of instansi A."""
    return Membership.objects.select_related("instansi", "unit").get(user=world.citra)


@pytest.fixture
def ani_m(world: World) -> Membership:
    """Tim kerja narrowed to unit A1."""
    return Membership.objects.select_related("instansi", "unit").get(user=world.ani)


@pytest.fixture
def evi_m(world: World) -> Membership:
    """Read-only member of instansi A."""
    return Membership.objects.select_related("instansi", "unit").get(user=world.evi)


def csv_file(rows: Iterable[Sequence[Any]], *, name: str = "data.csv", delimiter: str = ",") -> SimpleUploadedFile:
    text = "\n".join(delimiter.join(str(c) for c in row) for row in rows) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_file(rows: Iterable[Sequence[Any]], *, name: str = "data.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def pdf_file(name: str = "sk.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")
