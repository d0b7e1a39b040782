"""The chain's last event, read by a function that keeps its index plan (issue 22).

Under row-level security the planner cannot estimate the policy's ``current_setting(...)`` test, so
it takes an instansi's events for one or two rows, and ``ORDER BY seq DESC LIMIT 1`` no longer looks
cheaper through the ``(instansi_id, seq)`` index than a bitmap scan and a sort of every event of the
instansi: every write then read its instansi's whole chain (3 ms at 4,000 events, growing with it).
``zi_audit_head`` runs the same query with bitmap scans and sorts off for its own duration only (a
function's SET clause), so the index is walked backwards and stops at the first row. It runs as the
caller (SECURITY INVOKER): the policy still applies. On SQLite (the embedded demo) there is no
function; ``apps.audit.services`` reads the head with the ORM there.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION zi_audit_head(chain bigint) RETURNS TABLE (seq bigint, hash varchar)
LANGUAGE sql STABLE SECURITY INVOKER
SET enable_bitmapscan = off
SET enable_sort = off
AS $$
    SELECT e.seq, e.hash FROM audit_auditevent e WHERE e.instansi_id = chain ORDER BY e.seq DESC LIMIT 1
$$;
"""

DROP = "DROP FUNCTION IF EXISTS zi_audit_head(bigint);"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0007_keyed_chain"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
