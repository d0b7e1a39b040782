from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core.hooks import register_audit


class AuditConfig(AppConfig):
    name = "apps.audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        # The workflow engine's transitions are audited through core's hook (core never imports audit);
        # imported here, as the services import the models.
        from apps.audit.services import audit_record

        register_audit(audit_record)
