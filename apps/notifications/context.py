"""What every signed-in page shows of the notices: the unread count (registered with apps.core.hooks)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from apps.notifications.selectors import notification_unread_count
from apps.tenancy.models import Membership


def unread_count_context(request: HttpRequest, membership: Membership | None) -> dict[str, Any]:
    return {"unread_count": notification_unread_count(user=request.user, membership=membership)}
