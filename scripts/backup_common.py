"""Shared by scripts/backup.py and scripts/restore.py (standard library + psycopg2 only)."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent


class BackupError(Exception):
    """A backup or restore step failed; the message says which and why."""


def default_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        raise BackupError(
            "DATABASE_URL is not set. Backups are of the PostgreSQL deployment; the embedded SQLite "
            "demo is re-created by `make run`."
        )
    return url


def default_media_root() -> Path:
    """MEDIA_ROOT exactly as zi/settings/base.py resolves it."""
    if os.environ.get("MEDIA_ROOT"):
        return Path(os.environ["MEDIA_ROOT"])
    return Path(os.environ.get("ZI_VAR_DIR") or ROOT / "var") / "media"


def database_params(url: str) -> dict[str, Any]:
    from zi.env import parse_database_url

    return parse_database_url(url)


def libpq_env(url: str, dbname: str | None = None) -> tuple[dict[str, str], str]:
    """Environment for pg_dump / pg_restore (the password never appears on a command line)."""
    params = database_params(url)
    env = dict(os.environ)
    for key, var in (("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"), ("HOST", "PGHOST"), ("PORT", "PGPORT")):
        if params[key]:
            env[var] = str(params[key])
    if params["OPTIONS"].get("sslmode"):
        env["PGSSLMODE"] = str(params["OPTIONS"]["sslmode"])
    return env, dbname or str(params["NAME"])


def connect(url: str, dbname: str | None = None) -> Any:
    params = database_params(url)
    return psycopg2.connect(
        dbname=dbname or params["NAME"],
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        connect_timeout=10,
        **params["OPTIONS"],
    )


def table_counts(cursor: Any) -> dict[str, int]:
    """Exact row count of every table in the public schema."""
    cursor.execute("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    counts: dict[str, int] = {}
    for (table,) in cursor.fetchall():
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def audit_heads(cursor: Any) -> dict[str, list[Any]]:
    """Per instansi id: [length, last hash] of its audit chain (empty when the table is absent)."""
    cursor.execute("SELECT to_regclass('public.audit_auditevent') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return {}
    cursor.execute(
        "SELECT DISTINCT ON (instansi_id) instansi_id, seq, hash FROM audit_auditevent ORDER BY instansi_id, seq DESC"
    )
    return {str(instansi_id): [seq, digest] for instansi_id, seq, digest in cursor.fetchall()}


def tool(name: str) -> str:
    """The full path of a PostgreSQL client program (pg_dump / pg_restore)."""
    path = shutil.which(name)
    if not path:
        raise BackupError(
            f"{name} was not found. Install the PostgreSQL client of the server's major version or newer: "
            "sudo apt-get install -y postgresql-client"
        )
    return path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -----------------------------------------------------------------------------
# The object store (ZI_STORAGE=s3): the bucket is the media directory
# -----------------------------------------------------------------------------


def s3_config() -> dict[str, str | None] | None:
    """The bucket and connection of ZI_STORAGE=s3 exactly as zi/settings/base.py reads them, else None."""
    from zi.env import env_str

    if env_str("ZI_STORAGE", "local") != "s3":
        return None
    bucket = env_str("ZI_S3_BUCKET")
    if not bucket:
        raise BackupError("ZI_STORAGE=s3 needs ZI_S3_BUCKET.")
    return {
        "bucket": bucket,
        "endpoint_url": env_str("ZI_S3_ENDPOINT_URL") or None,
        "region_name": env_str("ZI_S3_REGION") or None,
        "aws_access_key_id": env_str("ZI_S3_ACCESS_KEY_ID") or None,
        "aws_secret_access_key": env_str("ZI_S3_SECRET_ACCESS_KEY") or None,
    }


def s3_client(config: dict[str, str | None]) -> Any:
    import boto3

    return boto3.client("s3", **{key: value for key, value in config.items() if key != "bucket"})


def bucket_keys(client: Any, bucket: str) -> list[str]:
    keys: list[str] = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys.extend(item["Key"] for item in page.get("Contents", []))
    return sorted(keys)


def bucket_pull(client: Any, bucket: str, target: Path) -> int:
    """Download every object of ``bucket`` into ``target`` (keys become relative paths)."""
    keys = bucket_keys(client, bucket)
    for key in keys:
        path = (target / key).resolve()
        if not path.is_relative_to(target.resolve()):
            raise BackupError(f"unsafe object key in the bucket: {key!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        client.download_file(bucket, key, str(path))
    return len(keys)


def bucket_push(client: Any, bucket: str, source: Path) -> int:
    """Upload every file under ``source`` into ``bucket``, which must be new or empty."""
    from botocore.exceptions import ClientError

    try:
        client.head_bucket(Bucket=bucket)
    except ClientError:
        client.create_bucket(Bucket=bucket)
    if bucket_keys(client, bucket):
        raise BackupError(f"bucket {bucket} is not empty: restore only into a new bucket.")
    files = [path for path in sorted(source.rglob("*")) if path.is_file()]
    for path in files:
        client.upload_file(str(path), bucket, path.relative_to(source).as_posix())
    return len(files)


def bucket_checksums(client: Any, bucket: str) -> dict[str, str]:
    sums: dict[str, str] = {}
    for key in bucket_keys(client, bucket):
        digest = hashlib.sha256()
        body = client.get_object(Bucket=bucket, Key=key)["Body"]
        for block in iter(lambda body=body: body.read(1 << 20), b""):
            digest.update(block)
        sums[key] = digest.hexdigest()
    return sums
