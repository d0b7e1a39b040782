from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "apps.audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        # The workflow engine's transitions are audited through core's hook (core never imports audit).
        from apps.audit.services import audit_record
        from apps.core.hooks import register_audit

        register_audit(audit_record)
