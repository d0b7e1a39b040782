"""What every signed-in page shows of the notices: the unread count (registered with apps.core.hooks)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from apps.notifications.selectors import notification_unread_count
from apps.tenancy.models import Membership


def unread_count_context(request: HttpRequest, membership: Membership | None) -> dict[str, Any]:
    # Lazy: counted when the page's frame shows it, never for an HTMX fragment that does not (issue 22).
    user = request.user
    return {"unread_count": SimpleLazyObject(lambda: notification_unread_count(user=user, membership=membership))}
