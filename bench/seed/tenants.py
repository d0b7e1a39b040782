"""Instansi, the unit kerja tree, users and memberships; cycles, TPI tiers, penetapan and TPI
assignments."""

from __future__ import annotations

import random
import time
import uuid
from typing import Any

from seed.config import N_INSTANSI, NOW, TAHUN, log
from seed.country import Country
from seed.pg import copy_rows
from seed.shape import KINDS, SUBJECTS, UNIT_WORDS, units_per_instansi


def seed_tenants(cursor: Any, rng: random.Random, password_hash: str) -> Country:
    """Instansi, their unit kerja, users and their memberships."""
    t0 = time.perf_counter()
    instansi = _instansi(cursor)
    unit_rows, units, unit_public = _unit_tree(cursor, instansi, units_per_instansi(rng))
    admin_of, tpi_of, tim_kerja_of, national_user, user_count = _users_and_memberships(
        cursor, instansi, units, password_hash
    )
    log(
        f"{N_INSTANSI} instansi, {len(units)} units, {user_count} users and their memberships ({time.perf_counter() - t0:.0f} s)"  # noqa: E501
    )
    return Country(
        instansi=instansi,
        units=units,
        unit_rows=unit_rows,
        unit_public=unit_public,
        unit_instansi={u[0]: u[1] for u in units},
        admin_of=admin_of,
        tpi_of=tpi_of,
        tim_kerja_of=tim_kerja_of,
        national_user=national_user,
    )


def _instansi(cursor: Any) -> list[tuple[int, str, str, str]]:
    """The instansi, kinds in the national proportions; the first is the largest ministry."""
    province_codes = ["11", "12", "13", "14", "15", "16", "31", "32", "33", "34", "35", "51", "52", "61", "73"]
    instansi: list[tuple[int, str, str, str]] = []  # (id, code, name, kind)
    kind_cut = []
    acc = 0.0
    for kind, share, label in KINDS:
        acc += share
        kind_cut.append((acc, kind, label))
    for index in range(N_INSTANSI):
        position = index / N_INSTANSI
        kind, label = next((k, lab) for cut, k, lab in kind_cut if position < cut or cut == kind_cut[-1][0])
        name = "Kementerian Nasional Raya" if index == 0 else f"{label} {index:03d}"
        instansi.append((index + 1, f"inst-{index + 1:04d}", name, kind))
    copy_rows(
        cursor,
        "tenancy_instansi",
        ["id", "created_at", "updated_at", "public_id", "code", "name", "kind", "province", "is_active"],
        (
            (
                i,
                NOW,
                NOW,
                uuid.uuid4(),
                code,
                name,
                kind,
                "" if kind in ("kementerian", "lembaga") else province_codes[i % len(province_codes)],
                True,
            )
            for i, code, name, kind in instansi
        ),
    )
    return instansi


def _unit_tree(
    cursor: Any, instansi: list[tuple[int, str, str, str]], unit_counts: list[int]
) -> tuple[list[tuple[Any, ...]], list[tuple[int, int, str]], dict[int, uuid.UUID]]:
    """A root per instansi, groups of 50 under it, units under the groups."""
    unit_rows: list[tuple[Any, ...]] = []
    units: list[tuple[int, int, str]] = []  # (unit id, instansi id, name) — leaf and group units alike
    unit_id = 0
    for (inst_id, _code, _name, _kind), count in zip(instansi, unit_counts, strict=True):
        unit_id += 1
        root = unit_id
        root_path = f"/{root}/"
        unit_rows.append((root, inst_id, None, "U0001", f"Sekretariat Utama {inst_id}", "eselon_i", root_path, 0))
        units.append((root, inst_id, f"Sekretariat Utama {inst_id}"))
        group = root
        group_path = root_path
        for n in range(1, count):
            unit_id += 1
            word = UNIT_WORDS[n % len(UNIT_WORDS)]
            name = f"{word} {SUBJECTS[n % len(SUBJECTS)]} {n:04d}"
            if count > 60 and n % 50 == 1:  # a new group of (up to) 50 units
                group = unit_id
                group_path = f"{root_path}{unit_id}/"
                unit_rows.append((unit_id, inst_id, root, f"U{n + 1:04d}", name, "eselon_ii", group_path, 1))
            elif count > 60:
                unit_rows.append((unit_id, inst_id, group, f"U{n + 1:04d}", name, "upt", f"{group_path}{unit_id}/", 2))
            else:
                unit_rows.append(
                    (unit_id, inst_id, root, f"U{n + 1:04d}", name, "eselon_ii", f"{root_path}{unit_id}/", 1)
                )
            units.append((unit_id, inst_id, name))
    unit_public: dict[int, uuid.UUID] = {u[0]: uuid.uuid4() for u in unit_rows}
    copy_rows(
        cursor,
        "unit_kerja_unitkerja",
        [
            "id",
            "created_at",
            "updated_at",
            "public_id",
            "code",
            "name",
            "kind",
            "address",
            "path",
            "depth",
            "is_active",
            "instansi_id",
            "parent_id",
        ],
        (
            (uid, NOW, NOW, unit_public[uid], code, name, kind, "", path, depth, True, inst, parent)
            for uid, inst, parent, code, name, kind, path, depth in unit_rows
        ),
    )
    return unit_rows, units, unit_public


def _users_and_memberships(
    cursor: Any, instansi: list[tuple[int, str, str, str]], units: list[tuple[int, int, str]], password_hash: str
) -> tuple[dict[int, int], dict[int, int], dict[int, int], int, int]:
    """Admin ZI and TPI per instansi, one national user, a tim kerja per unit, and their
    memberships; returns who is who and how many users there are."""
    user_id = 0
    users: list[tuple[int, str, str]] = []
    admin_of: dict[int, int] = {}
    tpi_of: dict[int, int] = {}
    for inst_id, code, _name, _kind in instansi:
        user_id += 1
        admin_of[inst_id] = user_id
        users.append((user_id, f"admin@{code}.bench.go.id", f"Admin ZI {code}"))
        user_id += 1
        tpi_of[inst_id] = user_id
        users.append((user_id, f"tpi@{code}.bench.go.id", f"TPI {code}"))
    user_id += 1
    national_user = user_id
    users.append((user_id, "tpn@kemenpanrb.bench.go.id", "Evaluator TPN"))
    tim_kerja_of: dict[int, int] = {}
    for uid, inst_id, _name in units:
        user_id += 1
        tim_kerja_of[uid] = user_id
        users.append((user_id, f"tk{uid}@{instansi[inst_id - 1][1]}.bench.go.id", f"Tim Kerja {uid}"))
    copy_rows(
        cursor,
        "accounts_user",
        [
            "id",
            "password",
            "last_login",
            "is_superuser",
            "public_id",
            "email",
            "name",
            "language",
            "is_active",
            "is_staff",
            "date_joined",
        ],
        (
            (uid, password_hash, None, False, uuid.uuid4(), email, name, "id", True, False, NOW)
            for uid, email, name in users
        ),
    )
    membership_rows: list[tuple[Any, ...]] = []
    for inst_id, *_rest in instansi:
        membership_rows.append((inst_id, None, admin_of[inst_id], "admin_zi"))
        membership_rows.append((inst_id, None, tpi_of[inst_id], "tpi"))
    for uid, inst_id, _name in units:
        membership_rows.append((inst_id, uid, tim_kerja_of[uid], "tim_kerja"))
    membership_rows.append((None, None, national_user, "tpn_evaluator"))
    copy_rows(
        cursor,
        "tenancy_membership",
        [
            "id",
            "created_at",
            "updated_at",
            "public_id",
            "role",
            "areas",
            "is_active",
            "instansi_id",
            "unit_id",
            "user_id",
        ],
        (
            (n + 1, NOW, NOW, uuid.uuid4(), role, "[]", True, inst, unit, user)
            for n, (inst, unit, user, role) in enumerate(membership_rows)
        ),
    )
    return admin_of, tpi_of, tim_kerja_of, national_user, len(users)


def seed_cycles(cursor: Any, country: Country) -> None:
    """A cycle and two TPI tiers per instansi; a penetapan and a TPI assignment per unit."""
    instansi, units, tpi_of = country.instansi, country.units, country.tpi_of
    t0 = time.perf_counter()
    copy_rows(
        cursor,
        "unit_kerja_cycle",
        [
            "id",
            "created_at",
            "updated_at",
            "public_id",
            "tahun",
            "fill_start",
            "fill_end",
            "review_start",
            "review_end",
            "revision_start",
            "revision_end",
            "proposal_end",
            "is_open",
            "instansi_id",
        ],
        (
            (
                i,
                NOW,
                NOW,
                uuid.uuid4(),
                TAHUN,
                "2026-01-01",
                "2026-06-30",
                "2026-07-01",
                "2026-08-31",
                "2026-09-01",
                "2026-09-30",
                "2026-12-31",
                True,
                i,
            )
            for i, *_r in instansi
        ),
    )
    cycle_of = {i: i for i, *_r in instansi}  # cycle id = instansi id
    copy_rows(
        cursor,
        "penilaian_tpitier",
        ["id", "public_id", "level", "name", "instansi_id"],
        (
            row
            for i, *_r in instansi
            for row in ((2 * i - 1, uuid.uuid4(), 1, "Anggota tim", i), (2 * i, uuid.uuid4(), 2, "Ketua tim", i))
        ),
    )
    copy_rows(
        cursor,
        "unit_kerja_penetapan",
        [
            "id",
            "created_at",
            "updated_at",
            "is_core_service",
            "core_service_reason",
            "is_high_risk",
            "high_risk_reason",
            "is_broad_impact",
            "broad_impact_reason",
            "afirmasi_type",
            "sk_number",
            "sk_date",
            "status",
            "designated_at",
            "version",
            "cycle_id",
            "instansi_id",
            "sk_file_id",
            "unit_id",
        ],
        (
            (
                uid,
                NOW,
                NOW,
                True,
                "Layanan inti instansi",
                True,
                "Risiko korupsi tinggi",
                True,
                "Berdampak luas",
                "",
                f"SK/{uid}/{TAHUN}",
                "2026-01-15",
                "designated",
                NOW,
                1,
                cycle_of[inst],
                inst,
                None,
                uid,
            )
            for uid, inst, _n in units
        ),
    )
    copy_rows(
        cursor,
        "penilaian_tpiassignment",
        ["id", "level", "cycle_id", "instansi_id", "reviewer_id", "unit_id"],
        ((uid, 1, cycle_of[inst], inst, tpi_of[inst], uid) for uid, inst, _n in units),
    )
    log(f"cycles, TPI tiers, {len(units)} penetapan and TPI assignments ({time.perf_counter() - t0:.0f} s)")
    country.cycle_of = cycle_of
