"""The audit chain, keyed (issue 18): every row's hash becomes HMAC-SHA256 under AUDIT_KEY.

Existing rows were chained with plain SHA-256, which anyone with database access can recompute.
This migration first **verifies** every existing chain the old way and stops (nothing changed) if
one is broken — a tampered trail is never laundered into a keyed one. Then it re-seals each chain
in order with the key (``prev_hash`` follows), with the append-only trigger switched off for this
transaction only (migrations run as the table owner).

What the proof covers afterwards: rows written before this migration are provable from here on with
the key, as they stood at this moment (keep the last ``audit_verify`` output, or a backup manifest's
``audit_heads``, from before the upgrade to connect the two). A database without audit rows needs no
key here; one with rows needs it (production without AUDIT_KEY stops here, loudly).
"""

from django.db import migrations


def seal_with_key(apps, schema_editor):
    from apps.audit.chain import GENESIS, fields_of, row_hash, row_mac
    from apps.audit.key import audit_key

    AuditEvent = apps.get_model("audit", "AuditEvent")
    rows = AuditEvent._base_manager  # a plain manager (the real model's default one needs a scope)
    if not rows.exists():
        return
    key = audit_key()
    instansi_ids = list(rows.values_list("instansi_id", flat=True).distinct().order_by("instansi_id"))
    # 1. The old chains must hold, or nothing is sealed.
    for instansi_id in instansi_ids:
        prev = GENESIS
        for seq, row in enumerate(rows.filter(instansi_id=instansi_id).order_by("seq"), start=1):
            if row.seq != seq or row.prev_hash != prev or row_hash(fields_of(row)) != row.hash:
                raise RuntimeError(
                    f"audit chain of instansi {instansi_id} is broken at seq {row.seq}: "
                    "run `manage.py audit_verify` on the previous release and investigate before upgrading"
                )
            prev = row.hash
    # 2. Re-seal with the key.
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
    for instansi_id in instansi_ids:
        prev = GENESIS
        for row in rows.filter(instansi_id=instansi_id).order_by("seq").iterator(chunk_size=2000):
            row.prev_hash = prev
            row.hash = row_mac(fields_of(row), key)
            rows.filter(pk=row.pk).update(prev_hash=row.prev_hash, hash=row.hash)
            prev = row.hash
    if postgres:
        schema_editor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0006_append_only_trigger"),
    ]

    operations = [
        migrations.RunPython(seal_with_key, migrations.RunPython.noop),
    ]
