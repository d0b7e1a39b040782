"""Writes of the pegawai roster: create, update, account link, leave, transfer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record, changes_to_before_after, snapshot
from apps.core.errors import TransitionNotAllowed
from apps.core.services import model_update
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import (
    Pegawai,
    UnitKerja,
)
from apps.unit_kerja.services.common import (
    UNIT_INACTIVE,
    actor_instansi_id,
    field_error,
    guarded_own,
    insert_unique,
    require_capability,
    require_reach,
)
from apps.unit_kerja.validators import normalize_nip, same_person_name, validate_nip

PEGAWAI_NIP_TAKEN = _("A pegawai with this NIP is already on the roster.")
PEGAWAI_ALREADY_LEFT = _("This pegawai has already left.")
PEGAWAI_HAS_LEFT = _("This pegawai has left; they cannot be transferred.")
PEGAWAI_SAME_UNIT = _("The pegawai already works in this unit.")
PEGAWAI_ACCOUNT_NOT_MEMBER = _("This account is not an active member of this instansi.")
PEGAWAI_ACCOUNT_NAME_MISMATCH = _(
    "The account belongs to %(account)s, but the roster entry is %(pegawai)s. An account can only be linked "
    "to the pegawai who owns it."
)
PEGAWAI_ACCOUNT_TAKEN = _("This account is already linked to another pegawai (%(other)s).")
PEGAWAI_ACCOUNT_LINKED_ELSEWHERE = _(
    "This pegawai is already linked to the account %(account)s. Unlink it first if the login is wrong."
)
PEGAWAI_ACCOUNT_LEFT = _("This pegawai has left; no login can be linked to them.")
PEGAWAI_ACCOUNT_NONE = _("No login is linked to this pegawai.")

PEGAWAI_AUDIT_FIELDS = ["nip", "name", "position", "rank", "email", "unit", "is_active"]


def _check_nip(nip: str, *, instansi_id: int, exclude_pk: int | None = None) -> str:
    nip = normalize_nip(nip)
    try:
        validate_nip(nip)
    except ValidationError as exc:
        raise ValidationError({"nip": exc.error_list}) from exc
    taken = Pegawai.objects.filter(instansi_id=instansi_id, nip=nip)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise field_error("nip", PEGAWAI_NIP_TAKEN, "nip_taken")
    return nip


def _clear_head_of(pegawai: Pegawai, *, actor: Membership) -> None:
    """A pegawai who leaves or moves can no longer head their old unit."""
    for unit in UnitKerja.objects.select_for_update().filter(instansi_id=pegawai.instansi_id, head=pegawai):
        unit.head = None
        unit.save(update_fields=["head", "updated_at"])
        audit_record(
            actor=actor.user,
            verb="unit_kerja.set_head",
            obj=unit,
            before={"head": str(pegawai.public_id)},
            after={"head": None},
        )


@transaction.atomic
def pegawai_create(
    *,
    actor: Membership,
    unit: UnitKerja,
    nip: str,
    name: str,
    position: str = "",
    rank: str = "",
    email: str = "",
) -> Pegawai:
    """Add a pegawai to a unit's roster. The NIP is validated and unique in the instansi. Audited."""
    require_capability(actor, Cap.PEGAWAI_MANAGE)
    instansi_id = actor_instansi_id(actor)
    require_reach(actor, unit, field_name="unit")
    if not unit.is_active:
        raise field_error("unit", UNIT_INACTIVE, "unit_inactive")
    nip = _check_nip(nip, instansi_id=instansi_id)
    pegawai = Pegawai(
        instansi_id=instansi_id,
        unit=unit,
        nip=nip,
        name=name.strip(),
        position=position.strip(),
        rank=rank.strip(),
        email=email.strip(),
    )
    pegawai.full_clean()
    insert_unique(pegawai, field_name="nip", message=PEGAWAI_NIP_TAKEN, code="nip_taken")
    audit_record(actor=actor.user, verb="pegawai.create", obj=pegawai, after=snapshot(pegawai, PEGAWAI_AUDIT_FIELDS))
    return pegawai


PEGAWAI_UPDATE_FIELDS = ("nip", "name", "position", "rank", "email")


@transaction.atomic
def pegawai_update(*, actor: Membership, pegawai: Pegawai, data: Mapping[str, Any]) -> Pegawai:
    """Correct a pegawai's NIP, name, position, rank or email. Audited when something changed."""
    require_capability(actor, Cap.PEGAWAI_MANAGE)
    instansi_id = actor_instansi_id(actor)
    require_reach(actor, pegawai.unit)
    write = guarded_own(actor, pegawai, version=data.get("version"))
    pegawai = write.row
    clean = {key: str(data[key]).strip() for key in PEGAWAI_UPDATE_FIELDS if key in data}
    if "nip" in clean:
        clean["nip"] = normalize_nip(clean["nip"])
        if clean["nip"] != pegawai.nip:
            clean["nip"] = _check_nip(clean["nip"], instansi_id=instansi_id, exclude_pk=pegawai.pk)
    pegawai, changes = model_update(instance=pegawai, fields=PEGAWAI_UPDATE_FIELDS, data=clean)
    if changes:
        before, after = changes_to_before_after(changes)
        write.audit("pegawai.update", before=before, **after)
    return pegawai


@transaction.atomic
def pegawai_account_link(*, actor: Membership, pegawai: Pegawai, user: Any) -> Pegawai:
    """Link a login to the roster entry of the same person (issue 17: the signer is the person).

    Refused when the account is not a member of the instansi, when the pegawai has left or is
    already linked to another account (unlink first), when the account is already linked to another
    pegawai there, or when the account's name is not the pegawai's name (titles aside): the pact a
    pegawai signs with that account carries the linked entry's name and NIP. Audited."""
    require_capability(actor, Cap.PEGAWAI_MANAGE)
    instansi_id = actor_instansi_id(actor)
    require_reach(actor, pegawai.unit)
    write = guarded_own(actor, pegawai)
    pegawai = write.row
    if user is None or not Membership.objects.filter(user=user, instansi_id=instansi_id, is_active=True).exists():
        raise field_error("user", PEGAWAI_ACCOUNT_NOT_MEMBER, "not_member")
    if pegawai.user_id == user.pk:
        return pegawai
    if not pegawai.is_active:
        raise field_error("user", PEGAWAI_ACCOUNT_LEFT, "left")
    if pegawai.user is not None:
        raise field_error("user", PEGAWAI_ACCOUNT_LINKED_ELSEWHERE, "linked", account=pegawai.user.email)
    if not same_person_name(user.name, pegawai.name):
        raise ValidationError(
            {
                "user": ValidationError(
                    PEGAWAI_ACCOUNT_NAME_MISMATCH,
                    code="name_mismatch",
                    params={"account": user.name or user.email, "pegawai": pegawai.name},
                )
            }
        )
    other = Pegawai.objects.filter(instansi_id=instansi_id, user=user).exclude(pk=pegawai.pk).first()
    if other is not None:
        raise ValidationError(
            {"user": ValidationError(PEGAWAI_ACCOUNT_TAKEN, code="taken", params={"other": str(other)})}
        )
    pegawai.user = user
    pegawai.save(update_fields=["user", "updated_at"])
    write.audit("pegawai.account_link", before={"user": None}, user=user.email)
    return pegawai


@transaction.atomic
def pegawai_account_unlink(*, actor: Membership, pegawai: Pegawai) -> Pegawai:
    """Undo a link (a wrong login, or the person's account replaced). What was signed stays signed:
    a pact records its pegawai, not the login. Audited with the account before."""
    require_capability(actor, Cap.PEGAWAI_MANAGE)
    actor_instansi_id(actor)  # a national membership: 403 before anything else
    require_reach(actor, pegawai.unit)
    write = guarded_own(actor, pegawai, related=("user",))
    pegawai = write.row
    if pegawai.user is None:
        raise TransitionNotAllowed(PEGAWAI_ACCOUNT_NONE)
    before = {"user": pegawai.user.email}
    pegawai.user = None
    pegawai.save(update_fields=["user", "updated_at"])
    write.audit("pegawai.account_unlink", before=before, user=None)
    return pegawai


@transaction.atomic
def pegawai_deactivate(*, actor: Membership, pegawai: Pegawai) -> Pegawai:
    """Mark a pegawai as having left. The row stays (signatures and assignments keep their history);
    a unit they headed loses its head."""
    require_capability(actor, Cap.PEGAWAI_MANAGE)
    actor_instansi_id(actor)  # a national membership: 403 before anything else
    require_reach(actor, pegawai.unit)
    write = guarded_own(actor, pegawai, fields=("is_active",))
    pegawai = write.row
    if not pegawai.is_active:
        raise TransitionNotAllowed(PEGAWAI_ALREADY_LEFT)
    pegawai.is_active = False
    pegawai.save(update_fields=["is_active", "updated_at"])
    _clear_head_of(pegawai, actor=actor)
    write.audit("pegawai.deactivate")  # is_active: True before, False after
    return pegawai


@transaction.atomic
def pegawai_transfer(*, actor: Membership, pegawai: Pegawai, unit: UnitKerja) -> Pegawai:
    """Move a pegawai to another active unit of the same instansi.

    A unit-narrowed member (tim kerja) can move people only between units of their own subtree.
    The old unit loses its head if the pegawai headed it.
    """
    require_capability(actor, Cap.PEGAWAI_MANAGE)
    actor_instansi_id(actor)  # a national membership: 403 before anything else
    require_reach(actor, pegawai.unit)
    require_reach(actor, unit, field_name="unit")
    write = guarded_own(actor, pegawai, fields=("unit",))
    pegawai = write.row
    if not pegawai.is_active:
        raise TransitionNotAllowed(PEGAWAI_HAS_LEFT)
    if unit.pk == pegawai.unit_id:
        raise field_error("unit", PEGAWAI_SAME_UNIT, "same_unit")
    if not unit.is_active:
        raise field_error("unit", UNIT_INACTIVE, "unit_inactive")
    pegawai.unit = unit
    pegawai.save(update_fields=["unit", "updated_at"])
    _clear_head_of(pegawai, actor=actor)
    write.audit("pegawai.transfer")  # unit: the old one's public_id before, the new one's after
    return pegawai
