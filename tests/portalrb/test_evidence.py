"""bukti_dukung_unit: a signed, expiring link that works for an evaluator without logging in."""

from __future__ import annotations

import datetime
import hashlib
from urllib.parse import urlsplit

from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.audit.verify import ChainHead, verify_chain
from apps.pengusulan.models import PengusulanSnapshot
from apps.portalrb.signing import evidence_url, link_days
from apps.portalrb.web_views import LINK_ACTOR, LINK_INVALID
from apps.tenancy.scope import scope
from tests.portalrb.conftest import PDF, PRBWorld, bearer


def _link(prb: PRBWorld) -> str:
    body = Client().get(f"/api/portalrb/lke/jawaban-unit/{prb.world.unit_a1.public_id}", **bearer(prb.token_a)).json()
    return body["answers"][0]["bukti_dukung_unit"]


def _path(url: str) -> str:
    return urlsplit(url).path


def test_link_lists_and_serves_the_frozen_file_without_login(prb: PRBWorld) -> None:
    page = Client().get(_path(_link(prb)))
    assert page.status_code == 200
    html = page.content.decode()
    assert "sk-tim.pdf" in html
    assert prb.bukti.sha256 in html
    file_url = f"{_path(_link(prb))}{prb.bukti.public_id}/"
    response = Client().get(file_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")


def test_tampered_link_fails(prb: PRBWorld) -> None:
    path = _path(_link(prb))
    token = path.rstrip("/").rsplit("/", 1)[1]
    tampered = path.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    response = Client().get(tampered)
    assert response.status_code == 404
    assert str(LINK_INVALID) in response.content.decode()
    assert Client().get(f"{tampered}{prb.bukti.public_id}/").status_code == 404


def test_expired_link_fails(prb: PRBWorld) -> None:
    with scope(prb.world.instansi_a.pk):
        snapshot = prb.wbk.snapshots.get(is_current=True)
        old = timezone.now() - datetime.timedelta(days=link_days() + 1)
        PengusulanSnapshot.objects.filter(pk=snapshot.pk).update(created_at=old)
        snapshot.refresh_from_db()
        url = evidence_url(snapshot=snapshot, soal_id=1)
    assert Client().get(_path(url)).status_code == 404
    assert Client().get(_path(url)).status_code == 404


def test_link_is_stable_and_only_serves_files_of_that_answer(prb: PRBWorld) -> None:
    assert _link(prb) == _link(prb)
    with scope(prb.world.instansi_a.pk):
        snapshot = prb.wbk.snapshots.get(is_current=True)
        other = evidence_url(snapshot=snapshot, soal_id=2)  # soal 2 has no frozen file
    assert Client().get(f"{_path(other)}{prb.bukti.public_id}/").status_code == 404


def test_a_changed_file_is_not_served(prb: PRBWorld) -> None:
    storage, name = prb.bukti.file.storage, prb.bukti.file.name
    storage.delete(name)
    storage.save(name, ContentFile(PDF + b"%diubah"))
    assert Client().get(f"{_path(_link(prb))}{prb.bukti.public_id}/").status_code == 404


def _downloads(prb: PRBWorld) -> list:
    with scope(prb.world.instansi_a.pk):
        return list(AuditEvent.objects.filter(verb="portalrb.bukti_download").order_by("seq"))


def test_a_download_through_the_link_writes_an_audit_row_in_the_instansis_chain(prb: PRBWorld) -> None:
    """Issue 18: every download of personal data is audited — also PortalRB's, which has no account.
    The row names the file, the frozen snapshot and soal, the link (by its hash) and the address."""
    page = _path(_link(prb))
    token = page.rstrip("/").rsplit("/", 1)[1]
    assert Client().get(page).status_code == 200
    assert _downloads(prb) == []  # the list page holds names and hashes, not the file
    response = Client(REMOTE_ADDR="203.0.113.9").get(f"{page}{prb.bukti.public_id}/")
    assert response.status_code == 200
    [row] = _downloads(prb)
    with scope(prb.world.instansi_a.pk):
        snapshot = prb.wbk.snapshots.get(is_current=True)
    assert row.instansi_id == prb.world.instansi_a.pk
    assert (row.object_type, row.object_id) == ("bukti_dukung.buktidukung", prb.bukti.public_id)
    assert (row.actor_id, row.actor_label) == (None, LINK_ACTOR)
    assert row.after == {
        "link_sha256": hashlib.sha256(token.encode()).hexdigest(),
        "snapshot": str(snapshot.public_id),
        "pengusulan": str(prb.wbk.public_id),
        "soal_id": 1,
        "remote_addr": "203.0.113.9",
    }
    assert isinstance(verify_chain(prb.world.instansi_a.pk), ChainHead)


def test_a_refused_link_download_writes_no_audit_row(prb: PRBWorld) -> None:
    with scope(prb.world.instansi_a.pk):
        other = evidence_url(snapshot=prb.wbk.snapshots.get(is_current=True), soal_id=2)
    assert Client().get(f"{_path(other)}{prb.bukti.public_id}/").status_code == 404
    storage, name = prb.bukti.file.storage, prb.bukti.file.name
    storage.delete(name)
    storage.save(name, ContentFile(PDF + b"%diubah"))
    assert Client().get(f"{_path(_link(prb))}{prb.bukti.public_id}/").status_code == 404
    assert _downloads(prb) == []
