"""Evidence, reports and signed pakta scans on an S3-compatible store (ZI_STORAGE=s3, issue 23).

moto's S3 server (``moto_server``, started here on a free port) stands in for the store: the real
django-storages backend and boto3 talk the S3 protocol to it over HTTP. Uploads are scanned by the
real clamd before anything reaches the bucket; downloads pass ZI's access rules, then redirect to a
short-lived presigned URL that is fetched here like a browser would; backup and restore carry the
bucket's objects byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.bukti_dukung.models import BuktiDukung
from apps.bukti_dukung.services import bukti_dukung_upload
from apps.reports.models import Report, ReportStatus
from apps.reports.services import report_render
from apps.tenancy.models import Membership
from apps.unit_kerja.reports import UNIT_PROFILE
from tests.clamav_fixtures import EICAR, Clamd
from tests.components import MotoS3
from tests.conftest import World
from tests.ops.helpers import ROOT
from tests.ops.test_backup import database_url, drop
from tests.reports.factories import fill_unit_profile

pytestmark = pytest.mark.django_db(transaction=True)  # backup/restore run in other processes

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CREDENTIALS = {"aws_access_key_id": "zi-test", "aws_secret_access_key": "zi-test-secret", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def moto() -> Iterator[MotoS3]:
    server = MotoS3().start()
    try:
        yield server
    finally:
        server.stop()


class Store:
    def __init__(self, moto: MotoS3, bucket: str) -> None:
        self.moto = moto
        self.bucket = bucket
        self.client = boto3.client("s3", endpoint_url=moto.url, **CREDENTIALS)

    def objects(self, bucket: str | None = None) -> dict[str, bytes]:
        listing = self.client.list_objects_v2(Bucket=bucket or self.bucket).get("Contents", [])
        return {
            item["Key"]: self.client.get_object(Bucket=bucket or self.bucket, Key=item["Key"])["Body"].read()
            for item in listing
        }

    def env(self) -> dict[str, str]:
        """The variables an operator sets (README "Configuration") for this store."""
        return {
            "ZI_STORAGE": "s3",
            "ZI_S3_BUCKET": self.bucket,
            "ZI_S3_ENDPOINT_URL": self.moto.url,
            "ZI_S3_REGION": CREDENTIALS["region_name"],
            "ZI_S3_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
            "ZI_S3_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
            "ZI_S3_ADDRESSING_STYLE": "path",
        }


@pytest.fixture
def store(moto: MotoS3, settings: Any) -> Store:
    """The default storage is the S3 backend on a fresh bucket, configured exactly as
    zi/settings/base.py does from the environment."""
    bucket = f"zi-{uuid.uuid4().hex[:12]}"
    store = Store(moto, bucket)
    store.client.create_bucket(Bucket=bucket)
    env = store.env()
    settings.ZI_STORAGE = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": env["ZI_S3_ENDPOINT_URL"],
                "region_name": env["ZI_S3_REGION"],
                "access_key": env["ZI_S3_ACCESS_KEY_ID"],
                "secret_key": env["ZI_S3_SECRET_ACCESS_KEY"],
                "addressing_style": "path",
                "default_acl": None,
                "file_overwrite": False,
                "querystring_auth": True,
                "querystring_expire": settings.ZI_S3_URL_SECONDS,
                "signature_version": "s3v4",
            },
        },
    }
    return store


def _upload(world: World, in_scope: Any, name: str, content: bytes) -> BuktiDukung:
    with in_scope(world.instansi_a):
        actor = Membership.objects.get(user=world.ani)
        return bukti_dukung_upload(actor=actor, file=SimpleUploadedFile(name, content, "application/pdf"))


def test_the_local_disk_stays_the_embedded_default(world: World, in_scope: Any, login: Any) -> None:
    assert settings.ZI_STORAGE == "local"
    assert isinstance(default_storage, FileSystemStorage)
    bukti = _upload(world, in_scope, "lokal.pdf", PDF)
    response = login(world.ani).get(reverse("bukti_dukung:download", args=[bukti.public_id]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_a_scanned_upload_lands_in_the_bucket_and_is_handed_off_by_a_presigned_url(
    world: World, in_scope: Any, login: Any, store: Store, clamav_scanning: Clamd
) -> None:
    bukti = _upload(world, in_scope, "sk penetapan.pdf", PDF)
    assert store.objects() == {bukti.file.name: PDF}
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.pdf"))

    url = reverse("bukti_dukung:download", args=[bukti.public_id])
    response = login(world.ani).get(url)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{store.moto.url}/{store.bucket}/{bukti.file.name}?")
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Expires"] == ["60"]
    assert "X-Amz-Signature" in query
    # The rule of every signed-in response (NoStoreWhenSignedInMiddleware) and every download: in any order.
    assert {d.strip() for d in response["Cache-Control"].split(",")} == {"private", "no-store"}
    assert response["Referrer-Policy"] == "no-referrer"
    fetched = requests.get(location, timeout=10)  # what the browser does with the redirect
    assert fetched.status_code == 200
    assert fetched.content == PDF
    assert fetched.headers["Content-Type"] == "application/pdf"
    # The store names the download as ZI would: the safe name (bukti_dukung.views.safe_download_name).
    assert fetched.headers["Content-Disposition"] == 'attachment; filename="sk-penetapan.pdf"'

    # Access first: the outsider and a stranger to the object get no URL at all.
    assert login(world.dodi).get(url).status_code == 404
    # A row whose object the store lost is a 404, not a dangling redirect.
    store.client.delete_object(Bucket=store.bucket, Key=bukti.file.name)
    assert login(world.ani).get(url).status_code == 404


def test_an_infected_upload_never_reaches_the_bucket(
    world: World, in_scope: Any, store: Store, clamav_scanning: Clamd
) -> None:
    with pytest.raises(ValidationError):
        _upload(world, in_scope, "laporan.pdf", PDF + EICAR)
    assert store.objects() == {}
    assert not BuktiDukung.unscoped.exists()


def test_the_preview_is_streamed_from_our_origin_with_its_sandbox(
    world: World, in_scope: Any, login: Any, store: Store
) -> None:
    bukti = _upload(world, in_scope, "pratinjau.pdf", PDF)
    response = login(world.ani).get(reverse("bukti_dukung:preview", args=[bukti.public_id]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_a_rendered_report_is_stored_in_the_bucket_and_handed_off(
    world: World, in_scope: Any, login: Any, store: Store
) -> None:
    fill_unit_profile(world)
    report = Report.unscoped.create(
        instansi=world.instansi_a,
        kind=UNIT_PROFILE,
        params={"unit": str(world.unit_a1.public_id)},
        title="Profil A1",
        requested_by=world.ani,
    )
    with in_scope(world.instansi_a):
        assert report_render(report_id=report.pk) is True
        report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    stored = store.objects()
    assert list(stored) == [report.file.name]
    assert stored[report.file.name].startswith(b"%PDF")
    assert hashlib.sha256(stored[report.file.name]).hexdigest() == report.sha256

    response = login(world.ani).get(reverse("reports:report-download", args=[report.public_id]))
    assert response.status_code == 302
    fetched = requests.get(response["Location"], timeout=10)
    assert fetched.content == stored[report.file.name]
    assert login(world.dodi).get(reverse("reports:report-download", args=[report.public_id])).status_code == 404


def test_backup_and_restore_carry_the_bucket(
    world: World, in_scope: Any, store: Store, tmp_path: Path, restored_names: list[str]
) -> None:
    first = _upload(world, in_scope, "satu.pdf", PDF)
    second = _upload(world, in_scope, "dua.pdf", PDF + b"%2\n")
    source = store.objects()
    assert set(source) == {first.file.name, second.file.name}

    env = {**os.environ, **store.env()}
    env.pop("DATABASE_URL", None)
    backup = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "scripts/backup.py", "--out", str(tmp_path / "backups"), "--database-url", database_url()],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert backup.returncode == 0, backup.stderr
    (backup_dir,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((backup_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["media_source"] == f"s3://{store.bucket}"
    assert manifest["media"] == {key: hashlib.sha256(body).hexdigest() for key, body in source.items()}
    with tarfile.open(backup_dir / "media.tar.gz") as archive:
        assert sorted(m.name for m in archive.getmembers() if m.isfile()) == sorted(source)

    name = f"{database_url().rsplit('/', 1)[1]}_pulih_s3"
    drop(name)
    restored_names.append(name)
    new_bucket = f"{store.bucket}-pulih"
    restore = subprocess.run(  # noqa: S603
        [sys.executable, "scripts/restore.py", str(backup_dir), "--database", name, "--var-dir",
         str(tmp_path / "pulih"), "--database-url", database_url(), "--bucket", new_bucket],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert restore.returncode == 0, restore.stderr
    assert store.objects(new_bucket) == source

    # Restoring into a bucket that already holds files is refused.
    again = subprocess.run(  # noqa: S603
        [sys.executable, "scripts/restore.py", str(backup_dir), "--database", f"{name}2", "--var-dir",
         str(tmp_path / "pulih2"), "--database-url", database_url(), "--bucket", new_bucket],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    restored_names.append(f"{name}2")
    assert again.returncode == 1
    assert "not empty" in again.stderr


@pytest.fixture
def restored_names() -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        drop(name)


def test_settings_refuse_s3_without_a_bucket(tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "ZI_STORAGE": "s3", "ZI_VAR_DIR": str(tmp_path)}
    code = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'zi.settings.base'; django.setup()"
    proc = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode != 0
    assert "ZI_STORAGE=s3 needs ZI_S3_BUCKET" in proc.stderr


def test_the_environment_gives_the_backend_these_tests_use(store: Store, tmp_path: Path) -> None:
    """The ``store`` fixture's STORAGES entry is what zi/settings/base.py builds from ZI_STORAGE=s3."""
    env = {"PATH": os.environ.get("PATH", ""), "ZI_VAR_DIR": str(tmp_path), **store.env()}
    code = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'zi.settings.base'; import django; django.setup(); "
        "from django.conf import settings; print(json.dumps(settings.STORAGES['default']))"
    )
    proc = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == settings.STORAGES["default"]
