"""tenancy.E001: every concrete TenantModel keeps the fail-closed manager and the public_id constraint;
tenancy.E002: every tenant table carries the PostgreSQL row-level-security policy.

A subclass that declares its own ``class Meta`` without inheriting ``TenantModel.Meta`` silently
loses both; this check makes that mistake loud.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.checks import Error, Tags, register
from django.db import connections, models
from django.db.migrations.executor import MigrationExecutor

from apps.tenancy import rls
from apps.tenancy.models import TenantManager, TenantModel


@register()
def check_tenant_models(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    for model in apps.get_models():
        if not issubclass(model, TenantModel):
            continue
        label = model._meta.label
        if not isinstance(model._default_manager, TenantManager):
            errors.append(Error(f"{label}: the default manager must be TenantManager", id="tenancy.E001"))
        if model._base_manager.name != "unscoped":
            errors.append(Error(f"{label}: base_manager_name must be 'unscoped'", id="tenancy.E001"))
        has_public_id_constraint = any(
            isinstance(c, models.UniqueConstraint) and tuple(c.fields) == ("instansi", "public_id")
            for c in model._meta.constraints
        )
        if not has_public_id_constraint:
            errors.append(
                Error(
                    f"{label}: missing UniqueConstraint(instansi, public_id); inherit TenantModel.Meta",
                    hint="class Meta(TenantModel.Meta): ... constraints = [*TenantModel.Meta.constraints, ...]",
                    id="tenancy.E001",
                )
            )
    return errors


@register(Tags.database)
def check_tenant_rls(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[Error]:
    """tenancy.E002: every tenant table carries the row-level-security policy (the second wall).

    A database check: it runs with ``manage.py check --database default`` (and in the test suite).
    ``migrate`` installs missing policies itself (``post_migrate``); this finds a table that escaped.
    """
    errors: list[Error] = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        if _migrations_pending(connection):
            # ``migrate`` runs the checks before migrating: on a fresh cluster the role and the
            # policies do not exist yet, and migrate is exactly what creates them (issue 18).
            continue
        if not rls.role_exists(connection):
            errors.append(Error(f"the role {rls.APP_ROLE} does not exist; run migrate", id="tenancy.E002"))
            continue
        for table in rls.tables_without_policy(connection):
            errors.append(
                Error(
                    f"{table}: a tenant table without row-level security (ENABLE, FORCE, policy {rls.POLICY})",
                    hint="run manage.py migrate (post_migrate installs it: apps.tenancy.rls.ensure_rls)",
                    id="tenancy.E002",
                )
            )
    return errors


def _migrations_pending(connection: Any) -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
