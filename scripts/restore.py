#!/usr/bin/env python3
"""``make restore``: restore a ZI backup into a NEW database and var directory, and prove it.

    PYTHONPATH=. .venv/bin/python scripts/restore.py BACKUP_DIR --database NAME --var-dir DIR
        [--database-url URL]   (server and credentials; its database name is replaced by NAME)

Steps, each refusing to go on when it fails (exit status 1 with the reason):

1. the sha256 of ``database.dump`` and ``media.tar.gz`` match the manifest (before touching anything);
2. NAME must not exist; it is created and ``pg_restore`` loads the dump into it;
3. the media tar is unpacked into ``DIR/media`` (which must be empty), refusing unsafe paths, and
   every file's sha256 is checked against the manifest;
4. every table's row count equals the manifest's;
5. with ``--bucket NEW`` (and ``ZI_S3_*`` for the store), the files are uploaded into that new (or
   empty) bucket and every object's sha256 is read back and checked against the manifest;
6. ``manage.py audit_verify`` passes on the restored database and every audit chain ends at the
   head the manifest recorded (nothing cut off the end);
7. ``manage.py zi_rls_apply`` re-applies what the application's role needs (the dump is restored
   with ``--no-privileges``, which leaves ``zi_app`` without a grant): the role, its grants and the
   row-level-security policies;
8. ``manage.py zi_serve_check`` proves the database serves: as ``zi_app``, through the whole
   application, a member's dashboard and a PortalRB call answer 200 (in a transaction rolled back).

Then run ZI on it with ``DATABASE_URL=…/NAME ZI_VAR_DIR=DIR``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.backup_common import (
    ROOT,
    BackupError,
    audit_heads,
    bucket_checksums,
    bucket_push,
    connect,
    default_database_url,
    file_sha256,
    libpq_env,
    s3_client,
    s3_config,
    table_counts,
    tool,
)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + quote(name)))


def check_files(backup: Path) -> dict[str, Any]:
    manifest_path = backup / "manifest.json"
    if not manifest_path.is_file():
        raise BackupError(f"{manifest_path} is missing: not a ZI backup directory.")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for name, expected in manifest["files"].items():
        path = backup / name
        if not path.is_file():
            raise BackupError(f"{name} is missing from the backup.")
        if file_sha256(path) != expected["sha256"]:
            raise BackupError(f"{name}: checksum mismatch (the file is damaged or was changed).")
    return manifest


def create_database(url: str, name: str) -> None:
    conn = connect(url, dbname="postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                raise BackupError(f"database {name!r} already exists: restore only into a new database.")
            from psycopg2 import sql

            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def restore_database(url: str, name: str, dump: Path) -> None:
    env, _ = libpq_env(url)
    proc = subprocess.run(  # noqa: S603 (pg_restore with our own arguments)
        [tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", f"--dbname={name}", str(dump)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise BackupError(f"pg_restore failed: {proc.stderr.strip()}")


def restore_media(archive_path: Path, media_root: Path, expected: dict[str, str]) -> None:
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"{media_root} is not empty: restore only into a new var directory.")
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(media_root, filter="data")  # refuses absolute paths, "..", devices, links out
    found = {
        path.relative_to(media_root).as_posix(): file_sha256(path)
        for path in sorted(media_root.rglob("*"))
        if path.is_file()
    }
    if found != expected:
        missing = sorted(set(expected) - set(found))
        extra = sorted(set(found) - set(expected))
        changed = sorted(k for k in set(found) & set(expected) if found[k] != expected[k])
        raise BackupError(f"media files differ from the manifest: missing {missing}, extra {extra}, changed {changed}")


def check_database(url: str, name: str, manifest: dict[str, Any]) -> None:
    conn = connect(url, dbname=name)
    try:
        with conn.cursor() as cursor:
            counts = table_counts(cursor)
            heads = audit_heads(cursor)
    finally:
        conn.close()
    if counts != manifest["tables"]:
        diff = {t: (manifest["tables"].get(t), counts.get(t)) for t in set(counts) | set(manifest["tables"])}
        raise BackupError(
            "row counts differ (table: manifest, restored): "
            + ", ".join(f"{t}: {a}, {b}" for t, (a, b) in sorted(diff.items()) if a != b)
        )
    if heads != manifest["audit_heads"]:
        raise BackupError("the audit chains do not end where the manifest recorded them.")
    env = {**os.environ, "DATABASE_URL": with_database(url, name)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "zi.settings.base")
    proc = subprocess.run(
        [sys.executable, "manage.py", "audit_verify"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise BackupError(f"audit_verify failed on the restored database:\n{proc.stdout}{proc.stderr}")


def manage(command: str, url: str, name: str, var_dir: Path) -> str:
    """Run ``manage.py <command>`` on the restored database and var directory; its output."""
    env = {**os.environ, "DATABASE_URL": with_database(url, name), "ZI_VAR_DIR": str(var_dir), "ZI_DB_RLS": "true"}
    env.pop("MEDIA_ROOT", None)
    env.setdefault("DJANGO_SETTINGS_MODULE", "zi.settings.base")
    proc = subprocess.run(  # noqa: S603 (our interpreter, manage.py and one of our commands)
        [sys.executable, "manage.py", command], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise BackupError(f"{command} failed on the restored database:\n{proc.stdout}{proc.stderr}")
    return proc.stdout.strip()


def restore_bucket(media_root: Path, bucket: str, expected: dict[str, str]) -> None:
    config = s3_config() or {"bucket": bucket}
    client = s3_client({**config, "bucket": bucket})
    bucket_push(client, bucket, media_root)
    actual = bucket_checksums(client, bucket)
    if actual != expected:
        raise BackupError(f"the objects in bucket {bucket} differ from the manifest")


def restore(backup: Path, url: str, name: str, var_dir: Path, bucket: str | None = None) -> dict[str, Any]:
    manifest = check_files(backup)
    create_database(url, name)
    restore_database(url, name, backup / "database.dump")
    restore_media(backup / "media.tar.gz", var_dir / "media", manifest["media"])
    if bucket:
        restore_bucket(var_dir / "media", bucket, manifest["media"])
    check_database(url, name, manifest)
    manifest["serving"] = [manage("zi_rls_apply", url, name, var_dir), manage("zi_serve_check", url, name, var_dir)]
    return manifest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("backup", type=Path)
    parser.add_argument("--database", required=True, help="name of the NEW database to restore into")
    parser.add_argument("--var-dir", required=True, type=Path, help="the NEW var directory (media goes in DIR/media)")
    parser.add_argument("--database-url", default=None, help="server and credentials (default: DATABASE_URL)")
    parser.add_argument("--bucket", default=None, help="a NEW bucket to upload the files into (store: ZI_S3_*)")
    args = parser.parse_args()
    try:
        manifest = restore(
            args.backup, args.database_url or default_database_url(), args.database, args.var_dir, args.bucket
        )
    except BackupError as exc:
        print(f"restore: {exc}", file=sys.stderr)  # noqa: T201 (a command-line tool)
        return 1
    print(  # noqa: T201 (a command-line tool)
        f"Restored into database {args.database} and {args.var_dir}: {len(manifest['tables'])} tables "
        f"and {len(manifest['media'])} media files match the manifest; the audit trail verifies.\n"
        + "\n".join(manifest["serving"])
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
