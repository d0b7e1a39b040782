"""What an evidence file is about: the objects that hold it, and whether an actor may see them.

The evidence store has no unit or role of its own. A file inherits the access of what it is
about (issue 18): an actor reaches a file when they uploaded it, or when they may see at least one
object that holds it, through that object's own ``access_*`` function (instansi → unit narrowing →
role capability → assignment). One table, read by every path that hands out a file: the download
and preview views, the LKE evidence picker and its attach check, the rencana aksi "to the LKE" step.

The holders register themselves (``register_holder``, from each holding app's ``evidence.py``,
imported by its ``AppConfig.ready``), as navigation and report kinds do: this module names none of
them. Each holder also names, for set-based reads (the picker), the capability its page needs and the
unit path of the holding object (``None``: an instansi-wide object, visible to no unit-narrowed
member).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from apps.tenancy.models import Membership


@dataclass(frozen=True)
class EvidenceHolder:
    model: str  # "app_label.Model"
    field: str  # the FK or M2M to BuktiDukung
    capability: str  # what the holder's page needs (set-based reads)
    unit_path: str | None  # lookup of the holding object's unit path; None: instansi-wide
    check: Callable[[Membership, Any], object]  # the holder's access function; raises Http404/403

    def model_class(self) -> Any:
        return apps.get_model(self.model)


# The holders, registered at start-up by the apps that hold evidence (each app's ``evidence.py``,
# imported by its ``AppConfig.ready``): bukti_dukung never imports them.
_HOLDERS: dict[tuple[str, str], EvidenceHolder] = {}


def register_holder(holder: EvidenceHolder) -> EvidenceHolder:
    """Register one kind of holding object (a module imported twice registers the same again)."""
    _HOLDERS[(holder.model, holder.field)] = holder
    return holder


def holders() -> tuple[EvidenceHolder, ...]:
    return tuple(_HOLDERS.values())


# How many holding objects of one kind are tried for one file (a file is attached a handful of times).
_HOLDERS_TRIED = 20


def bukti_is_visible(actor: Membership, bukti: Any) -> bool:
    """The per-file rule: the uploader, or whoever may see one object that holds the file."""
    if bukti.uploaded_by_id is not None and bukti.uploaded_by_id == actor.user_id:
        return True
    for holder in holders():
        owners = holder.model_class().objects.filter(instansi_id=actor.instansi_id, **{holder.field: bukti})
        for owner in owners[:_HOLDERS_TRIED]:
            try:
                holder.check(actor, owner)
            except (Http404, PermissionDenied):
                continue
            return True
    return False


def bukti_of_unit_q(*, actor: Membership, unit_path: str) -> Q:
    """Set-based: a filter on ``BuktiDukung`` for the files held by objects of the unit subtree at
    ``unit_path`` whose kind the actor's role may see, or uploaded by the actor. The caller has
    already checked that the actor reaches that unit."""
    condition = Q(uploaded_by_id=actor.user_id)
    for holder in holders():
        if holder.unit_path is None or not actor.can(holder.capability):
            continue
        owners = holder.model_class().objects.filter(
            instansi_id=actor.instansi_id, **{f"{holder.unit_path}__startswith": unit_path}
        )
        condition |= Q(pk__in=owners.exclude(**{f"{holder.field}__isnull": True}).values(f"{holder.field}__pk"))
    return condition
