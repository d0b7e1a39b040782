"""The hash chain, step 2: chain the rows written before it existed, per instansi in time order.

The chain of an existing deployment therefore starts at this migration: what happened to a row
before it cannot be proven, what happens after can.
"""

from django.db import migrations


def chain_existing(apps, schema_editor):
    from apps.audit.chain import GENESIS, fields_of, row_hash  # pure functions, no models

    AuditEvent = apps.get_model("audit", "AuditEvent")
    instansi_ids = AuditEvent.objects.values_list("instansi_id", flat=True).distinct().order_by("instansi_id")
    for instansi_id in instansi_ids:
        prev = GENESIS
        rows = AuditEvent.objects.filter(instansi_id=instansi_id).order_by("created_at", "id")
        for seq, row in enumerate(rows.iterator(chunk_size=2000), start=1):
            row.seq, row.prev_hash = seq, prev
            row.hash = row_hash(fields_of(row))
            row.save(update_fields=["seq", "prev_hash", "hash"])
            prev = row.hash


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_chain_fields"),
    ]

    operations = [
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
    ]
