"""The shape of the country: units per instansi, kinds, names and NIPs, the evidence file."""

from __future__ import annotations

import datetime
import math
import random

from seed.config import LARGEST_SHARE, N_INSTANSI, N_UNITS


def units_per_instansi(rng: random.Random) -> list[int]:
    """The largest instansi holds LARGEST_SHARE of the units; the rest follow a long tail
    (weights 1/√rank), every instansi with at least 3 units."""
    largest = round(N_UNITS * LARGEST_SHARE)
    rest = N_UNITS - largest
    weights = [1 / math.sqrt(rank) for rank in range(1, N_INSTANSI)]
    total = sum(weights)
    counts = [max(3, int(rest * w / total)) for w in weights]
    counts[0] += rest - sum(counts)
    return [largest, *counts]


KINDS = [
    ("kementerian", 0.07, "Kementerian"),
    ("lembaga", 0.08, "Badan"),
    ("provinsi", 0.055, "Pemerintah Provinsi"),
    ("kabupaten", 0.64, "Pemerintah Kabupaten"),
    ("kota", 0.155, "Pemerintah Kota"),
]
UNIT_WORDS = ["Direktorat", "Biro", "Dinas", "Badan", "Kantor", "Balai", "Pusat", "Bagian", "Puskesmas", "Kecamatan"]
SUBJECTS = ["Pelayanan", "Perizinan", "Keuangan", "Kepegawaian", "Perencanaan", "Pengawasan", "Data", "Umum"]
FIRST = ["Ani", "Budi", "Citra", "Dodi", "Evi", "Fajar", "Gita", "Hadi", "Indah", "Joko", "Kartika", "Lutfi"]
LAST = ["Lestari", "Santoso", "Dewi", "Pratama", "Rahma", "Nugroho", "Saputra", "Wijaya", "Siregar", "Hasibuan"]


def nip_for(k: int) -> str:
    """A valid, within-instansi unique 18-digit NIP for the k-th pegawai of an instansi."""
    birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=k // 2000)
    return f"{birth:%Y%m%d}200501{1 + (k // 1000) % 2}{k % 1000:03d}"


def minimal_pdf(marker: str) -> bytes:
    body = f"%PDF-1.4\n% ZI bench evidence {marker}\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    return body.encode()
