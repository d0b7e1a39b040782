"""The ``zi_app`` role for PostgreSQL row-level security (apps/tenancy/rls.py).

A NOLOGIN role without BYPASSRLS: the application switches to it (``SET ROLE``) for its requests and
tasks, so the ``zi_tenant`` policies apply even though the login role owns the tables (and CI's login
role is a superuser). Roles belong to the cluster: several databases share one ``zi_app``, and two
migrations creating it at once are harmless. Where the login role may not create roles, a DBA runs
``CREATE ROLE zi_app NOLOGIN; GRANT zi_app TO <login role>;`` first. The policies and the row
privileges on each table are installed after every migrate (``post_migrate`` → ``ensure_rls``).
SQLite (the embedded demo) has no RLS: nothing happens there.
"""

from django.db import migrations

CREATE = r"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'zi_app') THEN
        BEGIN
            CREATE ROLE zi_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- created meanwhile by a migration of another database on this cluster
        END;
    END IF;
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
       AND NOT pg_has_role(current_user, 'zi_app', 'MEMBER') THEN
        EXECUTE 'GRANT zi_app TO ' || quote_ident(current_user);
    END IF;
END
$$;
GRANT USAGE ON SCHEMA public TO zi_app;
"""

DROP = r"""
DO $$
DECLARE t record;
BEGIN
    FOR t IN SELECT c.relname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
             WHERE p.polname = 'zi_tenant' LOOP
        EXECUTE 'DROP POLICY zi_tenant ON ' || quote_ident(t.relname);
        EXECUTE 'ALTER TABLE ' || quote_ident(t.relname) || ' NO FORCE ROW LEVEL SECURITY';
        EXECUTE 'ALTER TABLE ' || quote_ident(t.relname) || ' DISABLE ROW LEVEL SECURITY';
    END LOOP;
END
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("tenancy", "0002_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
