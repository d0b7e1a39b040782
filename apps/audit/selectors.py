"""Reads of the audit trail (always within one instansi)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from apps.audit.models import AuditEvent
from apps.tenancy.models import Instansi


def audit_event_list(
    *, instansi: Instansi, object_type: str | None = None, object_id: uuid.UUID | None = None
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(instansi=instansi).select_related("actor")
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    return events.order_by("-created_at", "-id")
