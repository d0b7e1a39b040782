"""Context shared by every page: the active membership, the switcher, the notices, and what the apps
register with ``apps.core.hooks`` (the unread count)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from apps.core import hooks
from apps.core.cache import cache_unavailable
from apps.core.navigation import nav_for

REDIS_DOWN_NOTICE = _(
    "The queue and cache server (Redis) cannot be reached. You can keep working: sign-in attempt "
    "limits are counted per server for now, and emails and reports wait until it is back."
)


def degraded_notices() -> list[str]:
    """What is unavailable right now, in words for the page (docs/operations.md "Redis down")."""
    answered = getattr(cache, "answered_this_request", None)
    if answered is None or not answered():
        cache.get("zi:probe")  # one round trip; an outage is then known (and not tried again for seconds)
    notices = [str(REDIS_DOWN_NOTICE)] if cache_unavailable() else []
    return notices + hooks.notices()  # the apps' own (apps.core.hooks)


def zi(request: HttpRequest) -> dict[str, Any]:
    """Lazy values: read when a template uses them (the page's frame), never for an HTMX fragment
    that does not (an autosave reply pays no unread count and no Redis probe)."""
    membership = getattr(request, "membership", None)
    context: dict[str, Any] = {"membership": membership, "degraded": SimpleLazyObject(degraded_notices)}
    if membership is not None:
        context["nav_groups"] = SimpleLazyObject(lambda: nav_for(membership))
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["memberships"] = getattr(request, "memberships", [])
        context.update(hooks.page_context(request, membership))  # e.g. the unread count (notifications, lazy)
    return context
