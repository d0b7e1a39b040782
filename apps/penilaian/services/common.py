"""Checks and helpers shared by the penilaian services: reach, the pokja rule, the rows read with the
locked penilaian, notifications of a workflow step, the reviewer's guard, and the messages several
services raise. The capability check, the row lock and the audit row are :mod:`apps.audit.guarded`'s.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import lock, require
from apps.core.errors import PermissionDeniedError, TransitionNotAllowed
from apps.notifications.services import notify
from apps.penilaian.models import ItemReturn, ItemReturnEvent, Penilaian, PenilaianStatus, TPIAssignment
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.timkerja.permissions import pokja_areas

if TYPE_CHECKING:
    from apps.accounts.models import User

S = PenilaianStatus

NOT_YOUR_UNIT = _("This penilaian belongs to a unit outside your own.")
STATUS_CLOSED = _("The TPI review is closed: the LKE is read-only.")
FILL_WINDOW_CLOSED = _("The self-assessment window of this year is closed.")
REVIEW_WINDOW_CLOSED = _("The TPI review window of this year is closed.")
NOT_ASSIGNED = _("You are not assigned to review this unit at the current tier.")
SOAL_FOREIGN = _("This soal is not part of this LKE.")

# Read with the locked penilaian (``lock(penilaian, related=JOINED)``); only the penilaian row is locked.
JOINED = ("unit", "cycle", "instansi")


def _today() -> datetime.date:
    return timezone.localdate()


def _in(start: datetime.date, end: datetime.date) -> bool:
    return start <= _today() <= end


def pokja_allows(actor: Membership, penilaian: Penilaian, area: int | None) -> bool:
    """The unit's tim kerja ZI lets a member lacking Cap.PENILAIAN_FILL fill the answers of their
    pokja area(s) (``area`` None: any of them). See ``apps.timkerja.permissions``."""
    areas = pokja_areas(actor=actor, unit=penilaian.unit, cycle=penilaian.cycle)
    return bool(areas) and (area is None or area in areas)


def _require_reach(actor: Membership, penilaian: Penilaian) -> None:
    if actor.instansi_id != penilaian.instansi_id:
        raise PermissionDeniedError
    if actor.is_unit_narrowed and actor.unit is not None and not penilaian.unit.path.startswith(actor.unit.path):
        raise PermissionDeniedError(NOT_YOUR_UNIT)


def _review_link(penilaian: Penilaian) -> str:
    return reverse("penilaian:review-summary", kwargs={"public_id": penilaian.public_id})


def _worksheet_link(penilaian: Penilaian) -> str:
    # The unit's worksheet lives in the worksheet pages; without them the message carries no link.
    try:
        return reverse("penilaian:worksheet", kwargs={"public_id": penilaian.public_id})
    except NoReverseMatch:
        return ""


def _notify(
    *,
    actor: Membership,
    penilaian: Penilaian,
    recipients: Iterable[User],
    event: str,
    key: str,
    link: str,
    **context: Any,
) -> None:
    """One notification per recipient (never the actor themself), keyed ``penilaian-<event>:<id>:<key>``.

    The key names the event *occurrence* (a round, a tier), so the same step run twice notifies
    once, and the next round notifies again.
    """
    seen: set[int] = {actor.user_id}
    for user in recipients:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        notify(
            instansi=penilaian.instansi,
            recipient=user,
            kind=f"penilaian_{event}",
            key=f"penilaian-{event}:{penilaian.public_id}:{key}",
            template="penilaian-review",
            context={
                "event": event,
                "unit_name": penilaian.unit.name,
                "tahun": penilaian.cycle.tahun,
                "actor_name": str(actor.user),
                **context,
            },
            link=link,
        )


def _record_return_step(
    *, item: ItemReturn, kind: str, actor: Membership, level: int, note: str = ""
) -> ItemReturnEvent:
    return ItemReturnEvent.objects.create(
        instansi_id=item.instansi_id, item=item, kind=kind, level=level, note=note, actor=actor.user
    )


def _require_assigned(actor: Membership, penilaian: Penilaian) -> None:
    assigned = TPIAssignment.objects.filter(
        instansi_id=penilaian.instansi_id,
        cycle_id=penilaian.cycle_id,
        unit_id=penilaian.unit_id,
        reviewer=actor.user,
        level=penilaian.current_level,
    ).exists()
    if not assigned:
        raise PermissionDeniedError(NOT_ASSIGNED)


def _review_guard(actor: Membership, penilaian: Penilaian) -> Penilaian:
    """The common checks of a write by the current tier: capability, reach, lock, status, assignment."""
    require(actor, Cap.PENILAIAN_REVIEW)
    _require_reach(actor, penilaian)
    penilaian = lock(penilaian, related=JOINED)
    if penilaian.status in {S.CLOSED, S.RECOMMENDED, S.NOT_RECOMMENDED}:
        raise TransitionNotAllowed(STATUS_CLOSED)
    if penilaian.status != S.IN_REVIEW:
        raise TransitionNotAllowed()
    _require_assigned(actor, penilaian)
    return penilaian


def _require_fill(actor: Membership, penilaian: Penilaian) -> None:
    # A pokja member passes here; ``_check_unit_edit`` then holds them to their own area.
    if actor.instansi_id != penilaian.instansi_id:
        raise PermissionDeniedError
    if not actor.can(Cap.PENILAIAN_FILL) and not pokja_allows(actor, penilaian, None):
        raise PermissionDeniedError
    if actor.is_unit_narrowed and actor.unit is not None and not penilaian.unit.path.startswith(actor.unit.path):
        raise PermissionDeniedError(NOT_YOUR_UNIT)
