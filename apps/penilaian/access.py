"""Access to penilaian objects: the only way from a public_id in a request to the object.

Another instansi's object, a missing one, or one of a unit outside a unit-narrowed member's
subtree: 404 (the same answer for all three). Visible but not permitted: 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.penilaian import selectors
from apps.penilaian.models import ItemReturn, Penilaian, TPIAssignment
from apps.penilaian.services.common import pokja_allows
from apps.tenancy.access import get_in_scope_or_404, parse_public_id
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.tenancy.shapes import QueryShape

# Every page and write of a penilaian starts here: compiled once (apps/tenancy/shapes.py).
_IN_INSTANSI = QueryShape(
    lambda instansi_id, public_id: (
        Penilaian.objects.filter(instansi_id=instansi_id, public_id=public_id)
        .select_related("unit", "cycle", "template")
        .order_by()[:1]
    )
)


def _require_unit_in_reach(actor: Membership, penilaian: Penilaian) -> None:
    # A unit-narrowed member never learns about other units' penilaian: the same 404 as missing.
    if actor.is_unit_narrowed and actor.unit is not None and not penilaian.unit.path.startswith(actor.unit.path):
        raise Http404


def _penilaian_in_reach(actor: Membership, public_id: object) -> Penilaian:
    """One query (unit, cycle and template joined), inside the actor's instansi."""
    if actor.instansi_id is None:
        raise Http404
    parsed = parse_public_id(public_id)
    found = _IN_INSTANSI.run(instansi_id=actor.instansi_id, public_id=parsed)
    if not found:
        raise Http404
    penilaian: Penilaian = found[0]
    if penilaian.instansi_id != actor.instansi_id:
        raise AssertionError(f"Penilaian {parsed} of another instansi passed the scoped lookup")
    _require_unit_in_reach(actor, penilaian)
    return penilaian


def access_penilaian(actor: Membership | None, public_id: object, *, for_write: bool = False) -> Penilaian:
    """The unit's view: 403 without Cap.PENILAIAN_VIEW, or ``for_write`` without Cap.PENILAIAN_FILL
    — unless the unit's tim kerja ZI makes the actor a pokja member (the services then hold them to
    the items of their own area)."""
    if actor is None:
        raise Http404
    penilaian = _penilaian_in_reach(actor, public_id)
    if actor.can(Cap.PENILAIAN_VIEW) and (not for_write or actor.can(Cap.PENILAIAN_FILL)):
        return penilaian
    if not pokja_allows(actor, penilaian, None):
        raise PermissionDenied
    return penilaian


def access_penilaian_review(actor: Membership | None, public_id: object) -> Penilaian:
    """The TPI's view: 403 without Cap.PENILAIAN_REVIEW or without an assignment to the unit that
    year (at any tier). What they may *change* (the current tier only) is the services' rule."""
    if actor is None:
        raise Http404
    penilaian = _penilaian_in_reach(actor, public_id)
    if not actor.can(Cap.PENILAIAN_REVIEW):
        raise PermissionDenied
    levels = selectors.tpi_assigned_levels(actor=actor, penilaian=penilaian)
    if not levels:
        raise PermissionDenied
    # The tiers just checked, for the page built from this object in the same request (review_context).
    penilaian.checked_levels = (actor.pk, frozenset(levels))  # type: ignore[attr-defined]
    return penilaian


def access_item_return(actor: Membership | None, public_id: object) -> ItemReturn:
    """A returned item, reached like its penilaian (404 outside the instansi, 403 if not a reviewer)."""
    if actor is None:
        raise Http404
    item = get_in_scope_or_404(ItemReturn, actor, public_id)
    _require_unit_in_reach(actor, item.penilaian)
    if not actor.can(Cap.PENILAIAN_REVIEW):
        raise PermissionDenied
    if not selectors.tpi_assigned_levels(actor=actor, penilaian=item.penilaian):
        raise PermissionDenied
    return item


def access_tpi_assignment(actor: Membership | None, public_id: object) -> TPIAssignment:
    """A TPI assignment: 404 outside the instansi; 403 without Cap.PENILAIAN_MANAGE."""
    if actor is None:
        raise Http404
    assignment = get_in_scope_or_404(TPIAssignment, actor, public_id)
    if not actor.can(Cap.PENILAIAN_MANAGE):
        raise PermissionDenied
    return assignment
