"""Rencana aksi: an approved plan per unit, a kegiatan per area and its monthly realisasi, the
evidence the LKE answers left linked to them."""

from __future__ import annotations

import datetime
import time
import uuid
from typing import Any

from seed.config import KEGIATAN_AREAS, NOW, TAHUN, log
from seed.country import Country
from seed.lke import Master
from seed.pg import copy_lines, copy_rows

KEGIATAN_COLUMNS = [
    "id", "created_at", "updated_at", "area", "description", "output", "indicator", "target_value",
    "target_unit", "pic_id", "schedule", "deadline", "budget", "instansi_id", "soal_id", "rencana_id",
]  # fmt: skip
REALISASI_COLUMNS = [
    "id", "created_at", "updated_at", "periode", "progress", "value", "narrative", "status", "return_note",
    "submitted_at", "verified_at", "instansi_id", "kegiatan_id", "reported_by_id", "verified_by_id",
]  # fmt: skip


def seed_rencana_aksi(cursor: Any, country: Country, master: Master) -> None:
    """An approved rencana aksi per unit, a kegiatan per area, realisasi for its months so far."""
    units, admin_of, cycle_of, tim_kerja_of = country.units, country.admin_of, country.cycle_of, country.tim_kerja_of
    pic_of, evidence_budget, soal_rows = country.pic_of, country.evidence_budget, master.soal_rows
    t0 = time.perf_counter()
    copy_rows(
        cursor,
        "rencana_aksi_rencanaaksi",
        [
            "id",
            "created_at",
            "updated_at",
            "public_id",
            "status",
            "revision",
            "approved_revision",
            "submitted_at",
            "approved_at",
            "approved_by_id",
            "cycle_id",
            "instansi_id",
            "ketua_tim_id",
            "unit_id",
        ],
        (
            (
                uid,
                NOW,
                NOW,
                uuid.uuid4(),
                "approved",
                1,
                1,
                "2026-01-25 09:00:00+07",
                "2026-01-31 09:00:00+07",
                admin_of[inst],
                cycle_of[inst],
                inst,
                tim_kerja_of[uid],
                uid,
            )
            for uid, inst, _n in units
        ),
    )
    copy_rows(
        cursor,
        "rencana_aksi_rencanaaksirevisi",
        ["id", "revision", "event", "reason", "snapshot", "created_at", "actor_id", "instansi_id", "rencana_id"],
        (
            (uid, 1, "approved", "", "[]", "2026-01-31 09:00:00+07", admin_of[inst], inst, uid)
            for uid, inst, _n in units
        ),
    )
    soal_by_area = [soal_rows[i][0] for i in (0, 20, 40, 60, 80, 100)]
    kegiatan_id = 0
    realisasi_id = 0
    kegiatan_lines: list[str] = []
    realisasi_lines: list[str] = []

    def flush_plans(kegiatan: list[str], realisasi: list[str]) -> int:
        """COPY a batch of kegiatan, then their realisasi; returns the realisasi loaded."""
        copy_lines(cursor, "rencana_aksi_kegiatan", KEGIATAN_COLUMNS, kegiatan)
        return copy_lines(cursor, "rencana_aksi_realisasi", REALISASI_COLUMNS, realisasi)

    realisasi_evidence: list[str] = []
    total_realisasi = 0
    quarter_mask = (1 << 2) | (1 << 5) | (1 << 8) | (1 << 11)  # March, June, September, December
    for uid, inst, _n in units:
        mine = evidence_budget.get(uid, [])
        for area in KEGIATAN_AREAS:
            kegiatan_id += 1
            month = 3 * (1 + (uid + area) % 4)
            deadline = datetime.date(TAHUN, month, 28 if month != 12 else 20)
            schedule = quarter_mask if area % 2 else (1 << (month - 1)) | 1
            kegiatan_lines.append(
                f"{kegiatan_id}\t{NOW}\t{NOW}\t{area}\tKegiatan area {area} unit {uid}\tDokumen\tJumlah dokumen\t4\tdokumen\t{pic_of.get(uid, chr(92) + 'N')}\t{schedule}\t{deadline}\t\\N\t{inst}\t{soal_by_area[area - 1]}\t{uid}"  # noqa: E501
            )
            for m in range(1, 12):  # closed months of the year: January to November
                if not schedule & (1 << (m - 1)):
                    continue
                realisasi_id += 1
                progress = min(100, m * 9 + (uid % 10))
                status = "verified" if m < 10 else "submitted"
                verified = f"2026-{m:02d}-28 09:00:00+07" if status == "verified" else r"\N"
                realisasi_lines.append(
                    f"{realisasi_id}\t{NOW}\t{NOW}\t2026-{m:02d}\t{progress}\t{m}\tDilaksanakan sesuai rencana\t{status}\t\t2026-{m:02d}-25 09:00:00+07\t{verified}\t{inst}\t{kegiatan_id}\t{tim_kerja_of[uid]}\t{admin_of[inst] if status == 'verified' else chr(92) + 'N'}"  # noqa: E501
                )
                if mine:
                    realisasi_evidence.append(f"{realisasi_id}\t{mine.pop()[0]}")
        if len(realisasi_lines) >= 100_000:
            total_realisasi += flush_plans(kegiatan_lines, realisasi_lines)
            kegiatan_lines, realisasi_lines = [], []
    total_realisasi += flush_plans(kegiatan_lines, realisasi_lines)
    copy_lines(cursor, "rencana_aksi_realisasi_evidence", ["realisasi_id", "buktidukung_id"], realisasi_evidence)
    log(
        f"{len(units)} rencana aksi, {kegiatan_id} kegiatan, {total_realisasi} realisasi ({time.perf_counter() - t0:.0f} s)"  # noqa: E501
    )
