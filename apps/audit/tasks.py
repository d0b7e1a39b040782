"""Beat task of the audit trail: the daily head digest (apps/audit/digest.py)."""

from __future__ import annotations

from celery import shared_task

from apps.audit.digest import digest_export
from apps.tenancy.rls import all_tenants


@shared_task(acks_late=True)
def audit_head_digest() -> str:
    with all_tenants("the daily digest seals every instansi's audit chain head"):
        return str(digest_export())
