"""``make backup`` and ``make restore``: a backup restored into a fresh database and var directory has
every row, every evidence file byte for byte, and an audit trail that still verifies."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from apps.audit.services import audit_record
from apps.bukti_dukung.services import bukti_dukung_upload
from apps.tenancy.models import Membership
from apps.tenancy.scope import scope
from scripts.backup_common import audit_heads, connect, table_counts
from tests.conftest import World
from tests.ops.helpers import ROOT

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump runs in another process: data must be committed

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def database_url(name: str | None = None) -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "postgres") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name or db['NAME']}"


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own interpreter and scripts)
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def drop(name: str) -> None:
    conn = connect(database_url(), dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


@pytest.fixture
def restored_names() -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        drop(name)


def sha256_tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_backup_then_restore_into_a_fresh_database(world: World, tmp_path: Path, restored_names: list[str]) -> None:
    with scope(world.instansi_a.pk):
        actor = Membership.objects.get(user=world.ani)
        bukti_dukung_upload(actor=actor, file=SimpleUploadedFile("sk.pdf", PDF, "application/pdf"))
        bukti_dukung_upload(actor=actor, file=SimpleUploadedFile("laporan.pdf", PDF + b"%2\n", "application/pdf"))
    audit_record(actor=world.dodi, verb="unit_kerja.update", obj=world.unit_b1, after={"name": "Dinas B1"})
    media_root = Path(settings.MEDIA_ROOT)
    source_files = sha256_tree(media_root)
    assert len(source_files) == 2

    backup = run_script("scripts/backup.py", "--out", str(tmp_path / "backups"), "--database-url", database_url(),
                        "--media-root", str(media_root))  # fmt: skip
    assert backup.returncode == 0, backup.stderr
    (backup_dir,) = (tmp_path / "backups").iterdir()
    assert {p.name for p in backup_dir.iterdir()} == {"database.dump", "media.tar.gz", "manifest.json"}

    name = f"{connection.settings_dict['NAME']}_pulih"
    drop(name)
    restored_names.append(name)
    var_dir = tmp_path / "pulih-var"
    restore = run_script("scripts/restore.py", str(backup_dir), "--database", name, "--var-dir", str(var_dir),
                         "--database-url", database_url())  # fmt: skip
    assert restore.returncode == 0, restore.stderr
    assert "the audit trail verifies" in restore.stdout
    # The restore re-applied the application role's grants and proved it serves as zi_app.
    assert "zi_app: row privileges on" in restore.stdout
    assert "As zi_app: the dashboard of ani@alfa.go.id (200) and PortalRB unit-wbk for kemen-a (200)" in restore.stdout
    app_view = connect(database_url(), dbname=name)
    with app_view.cursor() as cursor:
        cursor.execute("SET ROLE zi_app")
        cursor.execute("SELECT set_config('zi.instansi', %s, false)", [str(world.instansi_a.pk)])
        cursor.execute("SELECT code FROM unit_kerja_unitkerja ORDER BY code")
        assert [row[0] for row in cursor.fetchall()] == ["A1", "A2"]  # A's units only, and readable at all
        cursor.execute("SELECT count(*) FROM portalrb_portalrbtoken")
        assert cursor.fetchone()[0] == 0  # the check's token was rolled back
    app_view.close()

    # Checked here again, independently of the script: rows, audit chain, files.
    with connection.cursor() as cursor:
        source_counts, source_heads = table_counts(cursor), audit_heads(cursor)
    target = connect(database_url(), dbname=name)
    with target.cursor() as cursor:
        assert table_counts(cursor) == source_counts
        assert audit_heads(cursor) == source_heads
    target.close()
    assert source_counts["bukti_dukung_buktidukung"] == 2
    assert source_counts["audit_auditevent"] >= 3
    verify = subprocess.run(
        [sys.executable, "manage.py", "audit_verify"],
        cwd=ROOT,
        env={**_env(), "DATABASE_URL": database_url(name)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert verify.returncode == 0, verify.stderr
    assert f"ok instansi=kemen-a rows={source_heads[str(world.instansi_a.pk)][0]}" in verify.stdout
    assert sha256_tree(var_dir / "media") == source_files

    # Refusals: an existing database, and a damaged archive (found before anything is created).
    again = run_script("scripts/restore.py", str(backup_dir), "--database", name, "--var-dir",
                       str(tmp_path / "lain"), "--database-url", database_url())  # fmt: skip
    assert again.returncode == 1
    assert "already exists" in again.stderr
    damaged = tmp_path / "rusak"
    shutil.copytree(backup_dir, damaged)
    archive = damaged / "media.tar.gz"
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    other = f"{name}2"
    restored_names.append(other)
    refused = run_script("scripts/restore.py", str(damaged), "--database", other, "--var-dir", str(tmp_path / "x"),
                         "--database-url", database_url())  # fmt: skip
    assert refused.returncode == 1
    assert "media.tar.gz: checksum mismatch" in refused.stderr
    probe = connect(database_url(), dbname="postgres")
    with probe.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [other])
        assert cursor.fetchone()[0] == 0
    probe.close()


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}


def test_make_targets_run_the_scripts() -> None:
    dry = subprocess.run(
        ["make", "-n", "backup", "restore", "BACKUP=b", "RESTORE_DB=d", "RESTORE_VAR_DIR=v"],  # noqa: S607 (a dry run)
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "scripts/backup.py" in dry.stdout
    assert 'scripts/restore.py "b" --database "d" --var-dir "v"' in dry.stdout
