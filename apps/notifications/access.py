"""access_notification: only the recipient reaches their notification; anything else is 404."""

from __future__ import annotations

from django.http import Http404

from apps.notifications.models import Channel, Notification
from apps.tenancy.access import get_in_scope_or_404
from apps.tenancy.models import Membership


def access_notification(actor: Membership | None, public_id: object) -> Notification:
    notification = get_in_scope_or_404(Notification, actor, public_id)
    # Someone else's notification in the same instansi is just as invisible.
    if actor is None or notification.recipient_id != actor.user_id:
        raise Http404
    return notification


def access_email_notification(actor: Membership | None, public_id: object) -> Notification:
    """An email of the actor's instansi, for the admin's failures page (404 for another instansi's)."""
    notification = get_in_scope_or_404(Notification, actor, public_id)
    if notification.channel != Channel.EMAIL:
        raise Http404
    return notification
