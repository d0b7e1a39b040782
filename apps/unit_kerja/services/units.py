"""Writes of the unit kerja register: create, update (a move re-hangs the subtree), head of unit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F, Max, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext_lazy as _

from apps.accounts.principal import principal_forget_units
from apps.audit.services import audit_record, changes_to_before_after, snapshot
from apps.core.errors import PermissionDeniedError
from apps.core.services import model_update
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import (
    Pegawai,
    UnitKerja,
    UnitKind,
)
from apps.unit_kerja.services.common import (
    UNIT_INACTIVE,
    UNIT_OUTSIDE_SUBTREE,
    actor_instansi_id,
    field_error,
    guarded_own,
    insert_unique,
    lock_instansi,
    require_capability,
    require_reach,
)

UNIT_CODE_REQUIRED = _("Enter the unit code.")
UNIT_CODE_TAKEN = _("Another unit of this instansi already uses this code.")
UNIT_PARENT_CYCLE = _("A unit cannot be placed under itself or one of its own sub-units.")
UNIT_TOO_DEEP = _("The unit tree would become too deep.")
UNIT_HEAD_NOT_MEMBER = _("The head of unit must be an active pegawai of this unit.")

# A tree deeper than this is a data error, not an organisation (and keeps ``path`` within 255 chars).
MAX_UNIT_DEPTH = 12
PATH_MAX_LENGTH = UnitKerja._meta.get_field("path").max_length or 255

UNIT_AUDIT_FIELDS = ["code", "name", "kind", "address", "parent", "is_active", "path"]


def _check_code_free(*, instansi_id: int, code: str, exclude_pk: int | None = None) -> None:
    if not code:
        raise field_error("code", UNIT_CODE_REQUIRED, "required")
    taken = UnitKerja.objects.filter(instansi_id=instansi_id, code=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise field_error("code", UNIT_CODE_TAKEN, "unit_code_taken")


def _check_parent(actor: Membership, parent: UnitKerja | None) -> None:
    if parent is None:
        if actor.is_unit_narrowed:
            raise PermissionDeniedError(UNIT_OUTSIDE_SUBTREE)
        return
    require_reach(actor, parent, field_name="parent")
    if not parent.is_active:
        raise field_error("parent", UNIT_INACTIVE, "unit_inactive")


def insert_unit(unit: UnitKerja) -> UnitKerja:
    """Save a new unit and derive its path from the parent (the id is known only after the insert)."""
    parent = unit.parent
    if parent is not None:
        # The in-memory parent may predate a move of one of its ancestors (imports move units).
        parent.refresh_from_db(fields=["path", "depth"])
    depth = parent.depth + 1 if parent is not None else 0
    if depth > MAX_UNIT_DEPTH:
        raise field_error("parent", UNIT_TOO_DEEP, "unit_too_deep")
    unit.depth = depth
    insert_unique(unit, field_name="code", message=UNIT_CODE_TAKEN, code="unit_code_taken")
    unit.path = f"{parent.path if parent is not None else '/'}{unit.pk}/"
    if len(unit.path) > PATH_MAX_LENGTH:
        raise field_error("parent", UNIT_TOO_DEEP, "unit_too_deep")
    unit.save(update_fields=["path"])
    return unit


def move_unit(unit: UnitKerja, new_parent: UnitKerja | None) -> None:
    """Re-hang ``unit`` under ``new_parent`` and rewrite the path and depth of its whole subtree.

    Caller holds the instansi lock; both paths are re-read under it so a concurrent move cannot
    slip a loop past the check.
    """
    current = UnitKerja.objects.filter(pk=unit.pk).values("path", "depth").get()
    old_path, old_depth = current["path"], current["depth"]
    if new_parent is not None:
        new_parent.refresh_from_db(fields=["path", "depth"])
        if new_parent.pk == unit.pk or new_parent.path.startswith(old_path):
            raise field_error("parent", UNIT_PARENT_CYCLE, "unit_parent_cycle")
    new_path = f"{new_parent.path if new_parent is not None else '/'}{unit.pk}/"
    new_depth = new_parent.depth + 1 if new_parent is not None else 0
    subtree = UnitKerja.objects.filter(instansi_id=unit.instansi_id, path__under=old_path)
    deepest = subtree.aggregate(depth=Max("depth"), length=Max(Length("path")))
    if (deepest["depth"] or old_depth) - old_depth + new_depth > MAX_UNIT_DEPTH or (
        (deepest["length"] or len(old_path)) - len(old_path) + len(new_path) > PATH_MAX_LENGTH
    ):
        raise field_error("parent", UNIT_TOO_DEEP, "unit_too_deep")
    # The members of the subtree carry its old paths in their cached principal (unit narrowing).
    principal_forget_units(subtree.values_list("pk", flat=True))
    # One UPDATE for the subtree: '/1/7/' + the tail of each descendant's old path.
    subtree.update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + (new_depth - old_depth),
    )
    unit.parent = new_parent
    unit.path = new_path
    unit.depth = new_depth
    unit.save(update_fields=["parent", "path", "depth", "updated_at"])


@transaction.atomic
def unit_kerja_create(
    *,
    actor: Membership,
    code: str,
    name: str,
    kind: str = UnitKind.LAINNYA,
    parent: UnitKerja | None = None,
    address: str = "",
) -> UnitKerja:
    """Register a unit under ``parent`` (or at the top). Code unique per instansi. Audited."""
    require_capability(actor, Cap.UNIT_MANAGE)
    instansi_id = actor_instansi_id(actor)
    _check_parent(actor, parent)
    code = code.strip()
    _check_code_free(instansi_id=instansi_id, code=code)
    lock_instansi(instansi_id)  # the parent's path must not change under us
    unit = UnitKerja(
        instansi_id=instansi_id,
        parent=parent,
        code=code,
        name=name.strip(),
        kind=kind,
        address=address.strip(),
    )
    unit.full_clean(exclude=["path"])
    insert_unit(unit)
    audit_record(actor=actor.user, verb="unit_kerja.create", obj=unit, after=snapshot(unit, UNIT_AUDIT_FIELDS))
    return unit


UNIT_UPDATE_FIELDS = ("code", "name", "kind", "address", "is_active")


@transaction.atomic
def unit_kerja_update(*, actor: Membership, unit: UnitKerja, data: Mapping[str, Any]) -> UnitKerja:
    """Change a unit's fields; ``data["parent"]`` moves it (and its subtree). Audited when changed.

    Holds the instansi lock while moving. Refuses a parent inside the unit's own subtree.
    """
    require_capability(actor, Cap.UNIT_MANAGE)
    instansi_id = actor_instansi_id(actor)
    require_reach(actor, unit)
    if "parent" in data and data["parent"] != unit.parent:
        # Instansi first, then unit rows: the same order as imports, so the two never deadlock.
        lock_instansi(instansi_id)
    write = guarded_own(actor, unit, version=data.get("version"), fields=UNIT_AUDIT_FIELDS)
    unit, before = write.row, write.before
    clean = {key: data[key] for key in UNIT_UPDATE_FIELDS if key in data}
    for key in ("code", "name", "address"):
        if key in clean:
            clean[key] = str(clean[key]).strip()
    if "code" in clean and clean["code"] != unit.code:
        _check_code_free(instansi_id=instansi_id, code=clean["code"], exclude_pk=unit.pk)
    moved = False
    if "parent" in data and data["parent"] != unit.parent:
        new_parent = data["parent"]
        _check_parent(actor, new_parent)
        lock_instansi(instansi_id)  # already held unless the parent changed meanwhile
        move_unit(unit, new_parent)
        moved = True
    _, changes = model_update(instance=unit, fields=UNIT_UPDATE_FIELDS, data=clean)
    if changes or moved:
        after = snapshot(unit, UNIT_AUDIT_FIELDS)
        write.audit(
            "unit_kerja.update",
            before={k: v for k, v in before.items() if after[k] != v},
            **{k: v for k, v in after.items() if before[k] != v},
        )
    return unit


@transaction.atomic
def unit_kerja_set_head(*, actor: Membership, unit: UnitKerja, pegawai: Pegawai | None) -> UnitKerja:
    """Name the head of unit (an active pegawai of that very unit), or clear it with ``None``."""
    require_capability(actor, Cap.UNIT_MANAGE)
    actor_instansi_id(actor)  # a national membership: 403 before anything else
    require_reach(actor, unit)
    write = guarded_own(actor, unit)
    unit = write.row
    if pegawai is not None and (pegawai.unit_id != unit.pk or not pegawai.is_active):
        raise field_error("head", UNIT_HEAD_NOT_MEMBER, "head_not_member")
    unit, changes = model_update(instance=unit, fields=["head"], data={"head": pegawai})
    if changes:
        before, after = changes_to_before_after(changes)
        write.audit("unit_kerja.set_head", before=before, **after)
    return unit
