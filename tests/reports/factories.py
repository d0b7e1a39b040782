"""Data for the unit profile: unit A1 with an address, a head, a roster, a sub-unit and penetapan."""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass

from pypdf import PdfReader

from apps.unit_kerja.models import AfirmasiType, Pegawai, Penetapan, PenetapanStatus, UnitKerja
from tests.conftest import World
from tests.factories import CycleFactory, PegawaiFactory, UnitKerjaFactory

ADDRESS = "Jalan Merdeka Barat Nomor 7, Jakarta Pusat"
HEAD_NIP = "197803152005011002"
HEAD_NAME = "Rahmat Hidayat"
HEAD_POSITION = "Kepala Direktorat Pelayanan"
SK_NUMBER = "800/123/SK/2026"
SK_DATE = datetime.date(2026, 3, 15)
SUB_UNIT = "Seksi Perizinan Terpadu"


@dataclass
class UnitProfileData:
    unit: UnitKerja
    head: Pegawai


def fill_unit_profile(world: World) -> UnitProfileData:
    """Unit A1 as a profile would show it: 3 active pegawai (2 positions + head), 1 former."""
    unit = world.unit_a1
    head = PegawaiFactory(unit=unit, nip=HEAD_NIP, name=HEAD_NAME, position=HEAD_POSITION, rank="Pembina (IV/a)")
    PegawaiFactory(unit=unit, nip="198501012010011001", name="Sari Wulandari", position="Analis Pelayanan")
    PegawaiFactory(unit=unit, nip="198601022011012001", name="Yoga Pratama", position="Analis Pelayanan")
    PegawaiFactory(
        unit=unit, nip="197001012000011001", name="Purnawirawan", position="Pengadministrasi", is_active=False
    )
    UnitKerja.unscoped.filter(pk=unit.pk).update(address=ADDRESS, head=head)
    UnitKerjaFactory(parent=unit, code="A1-1", name=SUB_UNIT)
    cycle_2026 = CycleFactory(instansi=world.instansi_a, tahun=2026)
    cycle_2025 = CycleFactory(
        instansi=world.instansi_a,
        tahun=2025,
        fill_start=datetime.date(2025, 1, 1),
        fill_end=datetime.date(2025, 3, 31),
        review_start=datetime.date(2025, 4, 1),
        review_end=datetime.date(2025, 4, 30),
        revision_start=datetime.date(2025, 4, 1),
        revision_end=datetime.date(2025, 5, 15),
        proposal_end=datetime.date(2025, 5, 31),
    )
    Penetapan.unscoped.create(
        instansi=world.instansi_a,
        unit=unit,
        cycle=cycle_2026,
        is_core_service=True,
        is_high_risk=True,
        afirmasi_type=AfirmasiType.PTSP,
        sk_number=SK_NUMBER,
        sk_date=SK_DATE,
        status=PenetapanStatus.DESIGNATED,
    )
    Penetapan.unscoped.create(instansi=world.instansi_a, unit=unit, cycle=cycle_2025, is_broad_impact=True)
    unit.refresh_from_db()
    return UnitProfileData(unit=unit, head=head)


def pdf_text(data: bytes) -> str:
    """All pages' text with whitespace collapsed (table cells and wrapped lines become one line)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def pdf_reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def pdf_fill_colours(data: bytes) -> set[str]:
    """The fill colours painted in the PDF (``r g b rg`` operators of the pages and their form
    XObjects) as ``#rrggbb``: the bars of a chart drawn by apps/core/charts.py show up here."""
    reader = PdfReader(io.BytesIO(data))
    streams: list[bytes] = []
    for page in reader.pages:
        contents = page.get_contents()
        if contents is not None:
            streams.append(contents.get_data())
        xobjects = page.get("/Resources", {}).get("/XObject", {})
        pending = [xobjects[name].get_object() for name in xobjects]
        while pending:
            xobject = pending.pop()
            streams.append(xobject.get_data())
            nested = xobject.get("/Resources", {}).get("/XObject", {})
            pending.extend(nested[name].get_object() for name in nested)
    colours = set()
    for stream in streams:
        for r, g, b in re.findall(rb"([0-9.]+) ([0-9.]+) ([0-9.]+) rg", stream):
            colours.add("#" + "".join(f"{round(float(v) * 255):02x}" for v in (r, g, b)))
    return colours
