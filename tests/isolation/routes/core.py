"""Isolation entries for the shell, audit and notifications."""

from __future__ import annotations

from apps.audit.models import AuditEvent
from apps.audit.services import audit_record
from apps.notifications.models import Channel, Notification
from apps.tenancy.models import Membership
from tests.isolation.registry import ListRoute, ObjectRoute


def _audit_event(world):
    return audit_record(actor=world.citra, verb="test.rahasia", obj=world.unit_a1)


def _notification(world):
    return Notification.objects.create(
        instansi=world.instansi_a,
        recipient=world.ani,
        channel=Channel.IN_APP,
        kind="test",
        key="isolation",
        subject="Pesan rahasia A",
        body="Isi rahasia A",
    )


def _failed_email(world):
    return Notification.objects.create(
        instansi=world.instansi_a,
        recipient=world.ani,
        channel=Channel.EMAIL,
        kind="test",
        key="isolation-gagal",
        subject="Surel gagal rahasia A",
        body="Isi rahasia A",
        status="failed",
        error="550 mailbox unavailable",
    )


def _history(world):
    event = _audit_event(world)
    return {"object_type": event.object_type, "object_id": event.object_id}


def _event_list(world):
    _audit_event(world)
    return {}, "test.rahasia"


def _membership_switch(world):
    return {"public_id": Membership.objects.get(user=world.ani).public_id}


OBJECT_ROUTES = [
    ObjectRoute("notifications:read", lambda w: {"public_id": _notification(w).public_id}, methods=("POST",)),
    ObjectRoute("core:membership-switch", _membership_switch, methods=("POST",)),
    ObjectRoute("notifications:failure-retry", lambda w: {"public_id": _failed_email(w).public_id}, methods=("POST",)),
]

LIST_ROUTES = [
    ListRoute("audit:event-list", _event_list),
    ListRoute("audit:object-history", lambda w: (_history(w), "test.rahasia")),
    ListRoute("notifications:list", lambda w: ({}, _notification(w).subject)),
    ListRoute("notifications:failures", lambda w: ({}, _failed_email(w).subject)),
    ListRoute("core:dashboard", lambda w: ({}, w.unit_a1.name)),
]

EXEMPT_ROUTES = {
    "core:home": "redirects to login or dashboard; no data",
    "core:health": "liveness probe; no tenant data",
    "core:text-size": "sets the larger-text cookie and redirects on the same site; no tenant data",
    "set_language": "Django's language switch; no tenant data",
    "accounts:mfa-required": "explains MFA enrolment; no tenant data",
    "notifications:preferences": "the signed-in person's own notification settings; no tenant data",
}

TENANT_MODELS = {
    AuditEvent: _audit_event,
    Notification: _notification,
}

EXEMPT_ROUTES.update(
    {
        "api:schema": "the OpenAPI document describes endpoints, holds no tenant data",
        "api:docs": "Swagger UI page, static assets only",
    }
)

# The recipient, the member; the unit's operator sees the unit on the dashboard.
OWNERS = {
    "notifications:read": "ani",
    "core:membership-switch": "ani",
    "notifications:list": "ani",
    "core:dashboard": "ani",
}
