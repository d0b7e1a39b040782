"""The keyed audit chain (issue 18): HMAC under a key the database does not hold, a daily head digest
outside the database, and the migration that sealed the existing rows."""

from __future__ import annotations

import importlib
import json
import os
import stat
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from apps.audit.chain import GENESIS, fields_of, row_hash, row_mac
from apps.audit.digest import digest_check, digest_export, digest_is_authentic
from apps.audit.key import KEY_FILE_NAME, AuditKeyMissing, audit_key
from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.audit.tasks import audit_head_digest
from apps.audit.verify import ChainBreak, ChainHead, verify_chain
from tests.audit.test_chain import raw, record_many
from tests.conftest import World


def _rechain(instansi_id: int, hasher) -> None:
    """What a database superuser does: edit a row, then recompute every hash and link of the chain."""
    prev = GENESIS
    for row in AuditEvent.unscoped.filter(instansi_id=instansi_id).order_by("seq"):
        if row.seq == 2:
            row.after = {"name": "dipalsukan"}
        row.prev_hash = prev
        row.hash = hasher(fields_of(row))
        raw(
            "UPDATE audit_auditevent SET after = %s::jsonb, prev_hash = %s, hash = %s WHERE id = %s",
            [json.dumps(row.after), row.prev_hash, row.hash, row.pk],
        )
        prev = row.hash


def test_a_chain_recomputed_without_the_key_fails_verification(world: World) -> None:
    record_many(world, 4)
    _rechain(world.instansi_a.pk, row_hash)  # plain SHA-256: all the database alone allows
    result = verify_chain(world.instansi_a.pk)
    assert isinstance(result, ChainBreak)
    assert (result.seq, result.reason) == (1, "content changed: the row no longer matches its hash")
    with pytest.raises(CommandError, match="1 audit chain"):
        call_command("audit_verify", stdout=StringIO(), stderr=StringIO())


def test_a_chain_recomputed_with_another_key_fails_and_with_the_key_passes(world: World) -> None:
    record_many(world, 4)
    _rechain(world.instansi_a.pk, lambda fields: row_mac(fields, b"a guessed key"))
    assert isinstance(verify_chain(world.instansi_a.pk), ChainBreak)
    # The key is exactly what the forger lacks: with it, the same forgery would pass.
    _rechain(world.instansi_a.pk, lambda fields: row_mac(fields, audit_key()))
    assert isinstance(verify_chain(world.instansi_a.pk), ChainHead)


def test_production_without_the_key_neither_writes_nor_verifies(world: World, settings) -> None:
    record_many(world, 1)
    settings.AUDIT_KEY = ""
    settings.DEBUG = False  # PostgreSQL and DEBUG off: production
    with pytest.raises(AuditKeyMissing):
        audit_record(actor=world.citra, verb="unit_kerja.update", obj=world.unit_a1)
    with pytest.raises(CommandError, match="AUDIT_KEY"):
        call_command("audit_verify", stdout=StringIO(), stderr=StringIO())
    assert AuditEvent.unscoped.count() == 1


def test_the_embedded_mode_creates_its_key_in_the_var_dir(settings, tmp_path: Path) -> None:
    settings.AUDIT_KEY = ""
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    first = audit_key()
    path = tmp_path / KEY_FILE_NAME
    assert path.exists()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(first) == 64
    assert audit_key() == first  # kept, not regenerated


def test_the_daily_digest_is_a_sealed_file_and_an_email(world: World, settings, tmp_path: Path) -> None:
    settings.ZI_AUDIT_DIGEST_DIR = str(tmp_path / "digests")
    settings.ZI_AUDIT_DIGEST_EMAILS = ["platform-admin@zi.example.go.id"]
    events = record_many(world, 3)
    path = Path(audit_head_digest.apply().get())
    document = json.loads(path.read_text(encoding="utf-8"))
    assert {"instansi": "kemen-a", "rows": 3, "head": events[-1].hash} in document["chains"]
    assert digest_is_authentic(document)
    [message] = mail.outbox
    assert message.to == ["platform-admin@zi.example.go.id"]
    assert events[-1].hash in message.body
    # Once per day: a second run keeps the recorded file and sends nothing.
    record_many(world, 1)
    assert digest_export() == path
    assert json.loads(path.read_text(encoding="utf-8")) == document
    assert len(mail.outbox) == 1


def test_the_digest_shows_rows_cut_off_the_end(world: World, settings, tmp_path: Path) -> None:
    settings.ZI_AUDIT_DIGEST_DIR = str(tmp_path)
    events = record_many(world, 4)
    path = digest_export()
    assert digest_check(json.loads(path.read_text(encoding="utf-8"))) == []
    raw("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])  # the tail: the chain still verifies
    assert isinstance(verify_chain(world.instansi_a.pk), ChainHead)
    problems = digest_check(json.loads(path.read_text(encoding="utf-8")))
    assert problems == ["instansi=kemen-a: the recorded head (row 4) is no longer in the chain"]
    with pytest.raises(CommandError):
        call_command("audit_verify", "--digest", str(path), stdout=StringIO(), stderr=StringIO())


def test_a_forged_digest_is_recognised(world: World, settings, tmp_path: Path) -> None:
    settings.ZI_AUDIT_DIGEST_DIR = str(tmp_path)
    record_many(world, 2)
    document = json.loads(digest_export().read_text(encoding="utf-8"))
    document["chains"][0]["rows"] = 1
    assert not digest_is_authentic(document)
    assert digest_check(document) == ["the digest's seal does not verify (forged, or another audit key)"]


def _unkeyed(world: World) -> list[AuditEvent]:
    """Rows as the previous release left them: chained with plain SHA-256."""
    record_many(world, 3)
    rows = []
    prev = GENESIS
    for row in AuditEvent.unscoped.filter(instansi_id=world.instansi_a.pk).order_by("seq"):
        row.prev_hash = prev
        row.hash = row_hash(fields_of(row))
        raw("UPDATE audit_auditevent SET prev_hash = %s, hash = %s WHERE id = %s", [row.prev_hash, row.hash, row.pk])
        prev = row.hash
        rows.append(row)
    return rows


def _migrate_0007() -> None:
    module = importlib.import_module("apps.audit.migrations.0007_keyed_chain")
    with connection.cursor() as cursor:
        # The test's rows are not committed: run their deferred FK checks now, as a commit would
        # (ALTER TABLE refuses a table with pending trigger events; a real upgrade has none).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor(atomic=False) as editor:
        module.seal_with_key(django_apps, editor)


def test_the_migration_seals_existing_rows_with_the_key(world: World) -> None:
    _unkeyed(world)
    assert isinstance(verify_chain(world.instansi_a.pk), ChainBreak)  # unkeyed rows do not pass
    _migrate_0007()
    assert verify_chain(world.instansi_a.pk) == ChainHead(
        world.instansi_a.pk, 3, AuditEvent.unscoped.get(instansi=world.instansi_a, seq=3).hash
    )


def test_the_migration_refuses_a_chain_already_broken(world: World) -> None:
    rows = _unkeyed(world)
    raw("UPDATE audit_auditevent SET after = %s::jsonb WHERE id = %s", ['{"x": 1}', rows[1].pk])
    before = list(AuditEvent.unscoped.order_by("id").values_list("hash", flat=True))
    with pytest.raises(RuntimeError, match="broken at seq 2"):
        _migrate_0007()
    assert list(AuditEvent.unscoped.order_by("id").values_list("hash", flat=True)) == before
