"""Append-only audit rows: a PostgreSQL trigger refuses UPDATE and DELETE.

One exception: when a user is erased, the ``actor`` foreign key is SET NULL by Django; that update
is allowed when it changes nothing else (the hash does not cover ``actor_id``; ``actor_label`` keeps
who it was). TRUNCATE (table owner only) is not a row operation and is not blocked: the test
runner's flush uses it. On SQLite (the embedded demo) there is no trigger; ``audit_verify`` still
detects any change.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION zi_audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING
        MESSAGE = 'audit_auditevent is append-only: ' || TG_OP || ' refused on row ' || OLD.id,
        ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION zi_audit_event_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS zi_audit_event_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_chain_constraints"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
