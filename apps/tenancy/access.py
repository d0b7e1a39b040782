"""Turning an id from a request into an object, safely (healthchecks, Zulip access_*).

Every app's ``access_<entity>`` builds on :func:`get_in_scope_or_404`: the lookup happens inside the
actor's instansi, so another instansi's object and a missing object give the *same* 404. A visible
object the actor may not change gives 403 (``PermissionDenied``).
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.tenancy.models import Membership, TenantModel

T = TypeVar("T", bound=TenantModel)


def parse_public_id(raw: object) -> uuid.UUID:
    """A malformed id is simply not found."""
    if isinstance(raw, uuid.UUID):
        return raw
    try:
        return uuid.UUID(str(raw))
    except (TypeError, ValueError, AttributeError) as exc:
        raise Http404 from exc


def get_in_scope_or_404(model: type[T], actor: Membership | None, public_id: object) -> T:
    # No membership, or a national one: no tenant object is reachable this way.
    if actor is None:
        raise Http404
    if actor.instansi_id is None:
        raise Http404
    parsed = parse_public_id(public_id)
    obj = model.objects.filter(instansi_id=actor.instansi_id, public_id=parsed).first()
    if obj is None:
        raise Http404
    # Found through the actor's own instansi; anything else is a bug, not a user error.
    if obj.instansi_id != actor.instansi_id:
        raise AssertionError(f"{model.__name__} {parsed} of another instansi passed the scoped lookup")
    return obj


def require_capability(actor: Membership | None, capability: str) -> Membership:
    """403 unless the actor holds the capability (the object, if any, is already known visible)."""
    if actor is None:
        raise PermissionDenied
    if not actor.can(capability):
        raise PermissionDenied
    return actor
