"""``manage.py zi_rls_apply``: (re)apply what row-level security needs on this database — the
``zi_app`` role (created when missing, granted to the login role), its schema usage, its row
privileges on every table and sequence, and the policy on every tenant table.

``migrate`` does the same (migration 0003 and ``post_migrate``), but a restored dump has its
migrations recorded already and ``pg_restore --no-privileges`` leaves ``zi_app`` without a single
grant: ``make restore`` runs this command (docs/operations.md "Restore"). Idempotent.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from apps.tenancy import rls


class Command(BaseCommand):
    help = "Re-apply the zi_app role, its grants and the row-level-security policies (after a restore)."

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Row-level security needs PostgreSQL; this database is not.")
        role_sql = importlib.import_module("apps.tenancy.migrations.0003_rls_app_role").CREATE
        with connection.cursor() as cursor:
            cursor.execute(role_sql)
        changed = rls.ensure_rls(connection)
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
                  AND has_table_privilege(%s, c.oid, 'SELECT,INSERT,UPDATE,DELETE')
                """,
                [rls.APP_ROLE],
            )
            granted = cursor.fetchone()[0]
        missing = rls.tables_without_policy(connection)
        if missing:
            raise CommandError(f"tenant tables still without their policy: {', '.join(missing)}")
        self.stdout.write(f"{rls.APP_ROLE}: row privileges on {granted} tables; policies set on {len(changed)} tables.")
