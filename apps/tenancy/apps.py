from celery.signals import task_postrun, task_prerun
from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "apps.tenancy"
    verbose_name = _("Tenancy")

    def ready(self) -> None:
        # Here, not at the top: checks imports the models (importing it registers tenancy.E001, E002).
        from apps.tenancy import checks, rls  # noqa: F401

        # After every migrate (and test flush): row privileges and the RLS policy on every tenant table.
        post_migrate.connect(rls.post_migrate, sender=self, dispatch_uid="zi_tenancy_rls")
        # A schema change invalidates the query shapes prepared on the migrating connection.
        pre_migrate.connect(_forget_prepared, sender=self, dispatch_uid="zi_tenancy_shapes")
        # Every Celery task is application runtime: without a scope it sees no tenant row.
        task_prerun.connect(rls.task_prerun, weak=False, dispatch_uid="zi_rls_task_prerun")
        task_postrun.connect(rls.task_postrun, weak=False, dispatch_uid="zi_rls_task_postrun")


def _forget_prepared(using: str = "default", **_: object) -> None:
    from apps.tenancy.shapes import forget_prepared

    forget_prepared(connections[using])
