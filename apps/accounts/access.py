"""access_membership: the only way from a membership id in a URL to the membership.

``Membership`` is not a ``TenantModel`` (national memberships have no instansi), so the lookup is
filtered by the actor's instansi here, with the same contract as ``get_in_scope_or_404``: another
instansi's membership and a missing one give the same 404; a visible one that the actor may not
manage gives 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.tenancy.access import parse_public_id
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap


def access_membership(actor: Membership | None, public_id: object, *, for_write: bool = False) -> Membership:
    if actor is None:
        raise Http404
    if actor.instansi_id is None:
        raise Http404
    parsed = parse_public_id(public_id)
    membership = (
        Membership.objects.filter(instansi_id=actor.instansi_id, public_id=parsed)
        .select_related("user", "unit", "instansi")
        .first()
    )
    if membership is None:
        raise Http404
    assert membership.instansi_id == actor.instansi_id  # noqa: S101 (found through the actor's instansi: else a bug)
    # Seeing another person's membership is part of managing people; one's own is always visible.
    if for_write and not actor.can(Cap.PEOPLE_MANAGE):
        raise PermissionDenied
    if not for_write and membership.user_id != actor.user_id and not actor.can(Cap.PEOPLE_MANAGE):
        raise PermissionDenied
    return membership
