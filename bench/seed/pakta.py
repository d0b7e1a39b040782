"""Pegawai, their Pakta Integritas and each unit's pencanangan."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from typing import Any

from apps.pencanangan.services import DEFAULT_PAKTA_TEXT
from seed.config import N_SIGNATURES, N_UNSIGNED_PER_20, NOW, TAHUN, log
from seed.country import Country
from seed.pg import copy_lines, copy_rows, esc
from seed.shape import FIRST, LAST, nip_for


def seed_pakta(cursor: Any, country: Country) -> None:
    """The text per instansi, the roster of every unit (one pegawai in 21 unsigned) and the
    signatures."""
    instansi, units, cycle_of = country.instansi, country.units, country.cycle_of
    t0 = time.perf_counter()
    per_unit = max(1, N_SIGNATURES // len(units))
    extra = N_SIGNATURES - per_unit * len(units)
    text_body = DEFAULT_PAKTA_TEXT
    copy_rows(
        cursor,
        "pencanangan_paktatext",
        ["id", "public_id", "version", "body", "sha256", "created_at", "created_by_id", "instansi_id"],
        (
            (i, uuid.uuid4(), 1, text_body, hashlib.sha256(text_body.encode()).hexdigest(), NOW, None, i)
            for i, *_r in instansi
        ),
    )
    instansi_name = {i: name for i, _c, name, _k in instansi}
    next_in_instansi: dict[int, int] = {}
    pegawai_id = 0
    pakta_id = 0
    pegawai_lines: list[str] = []
    pakta_lines: list[str] = []
    pic_of: dict[int, int] = {}
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    used_codes: set[str] = set()
    pegawai_cols = [
        "id",
        "created_at",
        "updated_at",
        "nip",
        "name",
        "position",
        "rank",
        "email",
        "is_active",
        "instansi_id",
        "user_id",
        "unit_id",
    ]
    pakta_cols = [
        "id",
        "text",
        "text_sha256",
        "name",
        "nip",
        "position",
        "method",
        "signed_at",
        "verify_code",
        "revoked_at",
        "revoked_reason",
        "cycle_id",
        "instansi_id",
        "pegawai_id",
        "scan_id",
        "signed_by_id",
        "unit_id",
        "text_version_id",
    ]
    total_pegawai = 0
    total_pakta = 0

    def flush_people(force: bool = False) -> None:
        nonlocal pegawai_lines, pakta_lines, total_pegawai, total_pakta
        if force or len(pakta_lines) >= 50_000:
            total_pegawai += copy_lines(cursor, "unit_kerja_pegawai", pegawai_cols, pegawai_lines)
            total_pakta += copy_lines(cursor, "pencanangan_paktaintegritas", pakta_cols, pakta_lines)
            pegawai_lines, pakta_lines = [], []

    for index, (uid, inst, unit_name) in enumerate(units):
        signed = per_unit + (1 if index < extra else 0)
        people = signed + max(1 if signed >= 20 else 0, signed // 20 * N_UNSIGNED_PER_20)
        for n in range(people):
            k = next_in_instansi.get(inst, 0)
            next_in_instansi[inst] = k + 1
            pegawai_id += 1
            nip = nip_for(k)
            name = f"{FIRST[k % len(FIRST)]} {LAST[(k // 12) % len(LAST)]} {k}"
            position = "Kepala Unit" if n == 0 else "Analis"
            if n == 0:
                pic_of[uid] = pegawai_id
            pegawai_lines.append(
                f"{pegawai_id}\t{NOW}\t{NOW}\t{nip}\t{name}\t{position}\tIII/c\t\tt\t{inst}\t\\N\t{uid}"
            )
            if n < signed:
                pakta_id += 1
                text = text_body.format(
                    nama=name, nip=nip, jabatan=position, unit=unit_name, instansi=instansi_name[inst], tahun=TAHUN
                )
                code = "".join(secrets.choice(alphabet) for _ in range(12))
                while code in used_codes:
                    code = "".join(secrets.choice(alphabet) for _ in range(12))
                used_codes.add(code)
                pakta_lines.append(
                    "\t".join(
                        (
                            str(pakta_id),
                            esc(text),
                            hashlib.sha256(text.encode()).hexdigest(),
                            name,
                            nip,
                            position,
                            "link",
                            NOW,
                            code,
                            r"\N",
                            "",
                            str(cycle_of[inst]),
                            str(inst),
                            str(pegawai_id),
                            r"\N",
                            r"\N",
                            str(uid),
                            str(inst),
                        )
                    )
                )
        flush_people()
    flush_people(force=True)
    used_codes.clear()
    log(f"{total_pegawai} pegawai, {total_pakta} Pakta Integritas signatures ({time.perf_counter() - t0:.0f} s)")
    country.pic_of = pic_of


def seed_pencanangan(cursor: Any, country: Country) -> None:
    """Every unit's pencanangan, declared."""
    units, cycle_of = country.units, country.cycle_of
    copy_rows(
        cursor,
        "pencanangan_pencanangan",
        [
            "id",
            "created_at",
            "updated_at",
            "date",
            "place",
            "form",
            "witnesses",
            "publication_links",
            "status",
            "declared_at",
            "cycle_id",
            "instansi_id",
            "unit_id",
        ],
        (
            (
                uid,
                NOW,
                NOW,
                "2026-01-20",
                "Aula utama",
                "ceremony",
                "",
                "",
                "declared",
                NOW,
                cycle_of[inst],
                inst,
                uid,
            )
            for uid, inst, _n in units
        ),
    )
