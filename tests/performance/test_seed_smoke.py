"""The national seeder still loads every table it writes, at a tiny scale (about 12 s): a model
change such as a new NOT NULL column fails here, not in the next benchmark run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
SMOKE_DATABASE = "zi_bench_smoke"


def test_seed_national_loads_a_tiny_country(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "BENCH_SCALE": "0.002",
        "BENCH_DATABASE": SMOKE_DATABASE,
        "BENCH_VAR_DIR": str(tmp_path / "bench"),
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zi"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = subprocess.run(  # noqa: S603  (our own script, fixed arguments)
        [sys.executable, str(ROOT / "bench" / "seed_national.py")],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    assert "seeded zi_bench_smoke" in run.stdout
    database = settings.DATABASES["default"]
    connection = psycopg2.connect(
        dbname=SMOKE_DATABASE, user=database["USER"], host=database["HOST"], port=database["PORT"]
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*), min(version) FROM unit_kerja_unitkerja")
            units, version = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM pencanangan_paktaintegritas")
            (signatures,) = cursor.fetchone()
    finally:
        connection.close()
    assert units == 100
    assert version == 1  # rows loaded by COPY start at version 1 (db_default)
    assert signatures == 2000
    connection = psycopg2.connect(
        dbname="postgres", user=database["USER"], host=database["HOST"], port=database["PORT"]
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {SMOKE_DATABASE}")
    connection.close()
