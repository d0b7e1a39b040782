"""Seed a national-size ZI database with PostgreSQL COPY (DESIGN §10, issue "National scale").

    make bench-seed                         # the whole country: ≈700 instansi, 50,000 units, …
    BENCH_SCALE=0.01 make bench-seed        # a quick run (1 % of every count)
    python bench/seed_national.py           # the same, without make

At scale 1: 700 instansi, 50,000 unit kerja (one ministry holds 10 % of them, the smallest few
have a handful), 1,050,000 pegawai of whom 1,000,000 signed the Pakta Integritas, 300,000 evidence
records with their small files, LKE answers for every unit (127 soal × the unit tier and TPI tier 1;
tier 2 too for the proposed units), a rencana aksi per unit with a kegiatan per area and monthly
realisasi, 5 % of the units proposed with their frozen snapshot (and a TPN result), users and
memberships (a tim kerja per unit, an admin ZI and a TPI per instansi).

How: the schema is migrated and the LKE master imported by Django; every bulk table is then loaded
with ``COPY … FROM STDIN`` (psycopg2 ``copy_expert``) with its foreign keys, unique constraints and
secondary indexes dropped, and those are re-created afterwards — like ``pg_restore`` does. Re-adding
each unique constraint and foreign key makes PostgreSQL check every loaded row, so the data satisfies
the model's constraints (CHECK constraints stay in place during the load). No audit rows are seeded:
every instansi's hash chain starts empty, and later writes chain from there (apps/audit). Each
topic's step is a module of ``bench/seed/``; ``main()`` runs them in order.

Environment:
    DATABASE_URL          the server (default postgres://postgres@127.0.0.1:5432/zi); the data goes
                          to the database BENCH_DATABASE (default ``zi_national``), dropped and re-created
    BENCH_SCALE           multiplies every count (default 1)
    BENCH_VAR_DIR         media root parent for the evidence files (default var/bench-national)
    BENCH_SEED            random seed (default 2026)
The bench users' passwords are ``bench-ZI-2026``; ``bench/run.py`` reads the rest from the database.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from seed.config import (  # noqa: E402
    BENCH_DATABASE,
    LOADED_TABLES,
    N_EVIDENCE,
    N_INSTANSI,
    N_SIGNATURES,
    N_UNITS,
    PASSWORD,
    SCALE,
    SEED,
    SERVER_UUID_TABLES,
    log,
    national_url,
)
from seed.pg import drop_constraints, recreate_database, restore_constraints  # noqa: E402


def main() -> None:
    """Re-create the database, migrate it and import the LKE master, load every topic with COPY
    (constraints dropped), re-create the constraints, then the few rows written through services."""
    started = time.perf_counter()
    url = national_url()
    var_dir = Path(os.environ.get("BENCH_VAR_DIR", str(ROOT / "var" / "bench-national"))).resolve()
    log(
        f"seeding {BENCH_DATABASE} at scale {SCALE}: {N_INSTANSI} instansi, {N_UNITS} units, "
        f"{N_SIGNATURES} signatures, {N_EVIDENCE} evidence files → {var_dir}"
    )
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["ZI_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi.settings.base")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("lke_import", verbosity=0)
    log(f"schema migrated and LKE master imported ({time.perf_counter() - started:.0f} s)")

    # The steps import the apps: only once Django is set up.
    from seed import evidence, lke, pakta, plans, proposals, tenants

    master = lke.load_master()
    rng = random.Random(SEED)
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists():
        shutil.rmtree(media_root)
    media_root.mkdir(parents=True, exist_ok=True)
    password_hash = make_password(PASSWORD)

    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg2 cursor (copy_expert)
        cursor.execute("SET synchronous_commit = off")
        ddl = drop_constraints(cursor)
        for table in SERVER_UUID_TABLES:
            cursor.execute(f"ALTER TABLE {table} ALTER COLUMN public_id SET DEFAULT gen_random_uuid()")

        country = tenants.seed_tenants(cursor, rng, password_hash)
        tenants.seed_cycles(cursor, country)
        pakta.seed_pakta(cursor, country)
        pakta.seed_pencanangan(cursor, country)
        evidence.seed_evidence(cursor, country, media_root)
        lke.seed_penilaian(cursor, country, master)
        plans.seed_rencana_aksi(cursor, country, master)
        proposals.seed_proposals(cursor, country, master)
        restore_after_load(cursor, ddl)

    activate_bench_mfa(country.admin_of, country.tpi_of, country.national_user)
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    log(f"VACUUM ANALYZE ({time.perf_counter() - t0:.0f} s)")
    elapsed = time.perf_counter() - started
    print(
        f"seeded {BENCH_DATABASE} in {elapsed:.0f} s ({elapsed / 60:.1f} min); database size {size}; files in {media_root}"  # noqa: E501
    )


def restore_after_load(cursor: Any, ddl: dict[str, list[str]]) -> None:
    """Constraints and indexes re-created (checking every loaded row), sequences set."""
    t0 = time.perf_counter()
    for table in SERVER_UUID_TABLES:
        cursor.execute(f"ALTER TABLE {table} ALTER COLUMN public_id DROP DEFAULT")
    restore_constraints(cursor, ddl)
    for table in LOADED_TABLES:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"  # noqa: S608
        )
    log(f"constraints and indexes re-created, sequences set ({time.perf_counter() - t0:.0f} s)")


def activate_bench_mfa(admin_of: dict[int, int], tpi_of: dict[int, int], national_user: int) -> None:
    """The few rows written through the services: MFA of the bench logins."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from apps.accounts.models import User

    bench_instansi = [1, N_INSTANSI]  # the largest and a small one
    for inst in bench_instansi:
        for uid in (admin_of[inst], tpi_of[inst]):
            TOTP.activate(User.objects.get(pk=uid), generate_totp_secret())
    TOTP.activate(User.objects.get(pk=national_user), generate_totp_secret())


if __name__ == "__main__":
    main()
