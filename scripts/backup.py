#!/usr/bin/env python3
"""``make backup``: one consistent backup of ZI — database, uploaded files, and a manifest.

    PYTHONPATH=. .venv/bin/python scripts/backup.py [--out DIR] [--database-url URL] [--media-root DIR]

Writes ``DIR/zi-backup-<UTC time>/`` with

* ``database.dump`` — ``pg_dump --format=custom`` of DATABASE_URL;
* ``media.tar.gz`` — the media directory (evidence, signed PDFs, reports), paths relative to it; with
  ``ZI_STORAGE=s3`` the bucket's objects instead (``ZI_S3_*``), keys as paths;
* ``manifest.json`` — sha256 and size of both files, sha256 of every media file, the exact row count
  of every table, and the tail (length, last hash) of every instansi's audit chain.

Consistency: the row counts and the audit heads are read inside a REPEATABLE READ transaction whose
snapshot is exported to pg_dump (``--snapshot``), so the manifest describes exactly the dumped data
even while ZI keeps serving. The media tar is taken after the dump: evidence files are immutable and
written before their row commits, so every file a dumped row names is in the tar.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.backup_common import (
    BackupError,
    audit_heads,
    bucket_pull,
    connect,
    default_database_url,
    default_media_root,
    file_sha256,
    libpq_env,
    s3_client,
    s3_config,
    table_counts,
    tool,
)


def media_checksums(media_root: Path) -> dict[str, str]:
    if not media_root.is_dir():
        return {}
    return {
        path.relative_to(media_root).as_posix(): file_sha256(path)
        for path in sorted(media_root.rglob("*"))
        if path.is_file()
    }


def backup(database_url: str, media_root: Path, out: Path) -> Path:
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = out / f"zi-backup-{stamp}"
    target.mkdir(parents=True)
    dump = target / "database.dump"
    conn = connect(database_url)
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            counts = table_counts(cursor)
            heads = audit_heads(cursor)
        env, dbname = libpq_env(database_url)
        proc = subprocess.run(  # noqa: S603 (pg_dump with our own arguments)
            [
                tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={dump}",
                dbname,
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise BackupError(f"pg_dump failed: {proc.stderr.strip()}")
    finally:
        conn.rollback()
        conn.close()

    s3 = s3_config()
    if s3 is not None:  # the bucket is the media directory: pull it (after the dump, as for the disk)
        media_root = target / "bucket.tmp"
        media_root.mkdir()
        bucket_pull(s3_client(s3), str(s3["bucket"]), media_root)
    media = target / "media.tar.gz"
    with tarfile.open(media, "w:gz") as archive:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                archive.add(path, arcname=path.relative_to(media_root).as_posix(), recursive=False)

    manifest: dict[str, Any] = {
        "format": 1,
        "created_at": stamp,
        "database": dbname,
        "files": {
            name: {"sha256": file_sha256(target / name), "bytes": (target / name).stat().st_size}
            for name in ("database.dump", "media.tar.gz")
        },
        "media": media_checksums(media_root),
        "media_source": f"s3://{s3['bucket']}" if s3 is not None else "disk",
        "tables": counts,
        "audit_heads": heads,
    }
    if s3 is not None:
        shutil.rmtree(media_root)
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.environ.get("BACKUP_DIR") or "var/backups", type=Path)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--media-root", default=None, type=Path)
    args = parser.parse_args()
    try:
        target = backup(
            args.database_url or default_database_url(),
            args.media_root or default_media_root(),
            args.out,
        )
    except BackupError as exc:
        print(f"backup: {exc}", file=sys.stderr)  # noqa: T201 (a command-line tool)
        return 1
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    print(  # noqa: T201 (a command-line tool)
        f"Backup written to {target}: {len(manifest['tables'])} tables, "
        f"{sum(manifest['tables'].values())} rows, {len(manifest['media'])} media files."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
