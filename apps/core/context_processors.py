"""Context shared by every page: the active membership, the switcher, the unread count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def zi(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    context: dict[str, Any] = {"membership": membership}
    if membership is not None:
        from apps.core.navigation import nav_for

        context["nav_groups"] = nav_for(membership)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from apps.notifications.selectors import notification_unread_count

        context["memberships"] = getattr(request, "memberships", [])
        context["unread_count"] = notification_unread_count(user=user, membership=membership)
    return context
