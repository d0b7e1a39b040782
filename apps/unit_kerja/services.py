"""Writes of the unit kerja register, the pegawai roster, the yearly cycle and penetapan.

Every function here is keyword-only, runs in one transaction, checks the actor's capability (and,
for a unit-narrowed member, that the unit lies inside their subtree), validates before writing,
and records an audit event with the values before and after. Expected failures raise
``ValidationError`` (keyed by field, so forms show the message beside the field) or a
``DomainError``; in both cases nothing was saved.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from apps.accounts.principal import principal_forget_units
from apps.audit.services import audit_record, changes_to_before_after, snapshot
from apps.bukti_dukung.models import FileKind
from apps.bukti_dukung.scanning import mark_scanned_clean
from apps.bukti_dukung.services import bukti_dukung_upload, validate_upload
from apps.core.concurrency import version_check
from apps.core.errors import ConflictError, PermissionDeniedError, TransitionNotAllowed, WindowClosed
from apps.core.services import model_update
from apps.tenancy.models import Instansi, InstansiKind, Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import (
    AfirmasiType,
    Cycle,
    ImportJob,
    ImportJobStatus,
    ImportKind,
    Pegawai,
    Penetapan,
    PenetapanStatus,
    UnitKerja,
    UnitKind,
)
from apps.unit_kerja.tabular import Row, cell_text, check_import_upload, read_table
from apps.unit_kerja.validators import normalize_nip, validate_nip

logger = logging.getLogger(__name__)

# -----------------------------------------------------------------------------
# Messages (module constants so tests compare against them, not against a translation)
# -----------------------------------------------------------------------------

NOT_PERMITTED = _("You do not have permission to do this.")
UNIT_OUTSIDE_SUBTREE = _("This unit is outside your own unit.")
UNIT_CODE_REQUIRED = _("Enter the unit code.")
UNIT_CODE_TAKEN = _("Another unit of this instansi already uses this code.")
UNIT_PARENT_CYCLE = _("A unit cannot be placed under itself or one of its own sub-units.")
UNIT_PARENT_NOT_FOUND = _("The parent unit was not found.")
UNIT_TOO_DEEP = _("The unit tree would become too deep.")
UNIT_INACTIVE = _("This unit is no longer active.")
UNIT_HEAD_NOT_MEMBER = _("The head of unit must be an active pegawai of this unit.")

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

CYCLE_TAHUN_RANGE = _("Enter a year between %(low)s and %(high)s.")
CYCLE_TAHUN_TAKEN = _("This year has already been opened.")
CYCLE_DATE_REQUIRED = _("Enter a date.")
CYCLE_DATE_OUTSIDE_YEAR = _("The date must fall within the year %(tahun)s.")
CYCLE_WINDOW_REVERSED = _("A window must close on or after the day it opens.")
CYCLE_PROPOSAL_NOT_AFTER_FILL = _("The proposal deadline must come after the self-assessment closes.")
CYCLE_REVIEW_BEFORE_FILL = _("TPI review cannot open before the self-assessment opens.")
CYCLE_REVISION_BEFORE_REVIEW = _("Revision cannot open before TPI review opens.")
CYCLE_AFTER_PROPOSAL = _("This window must close by the proposal deadline.")

PENETAPAN_NO_CRITERION = _("Tick at least one criterion.")
PENETAPAN_REASON_REQUIRED = _("Give the justification for this criterion.")
PENETAPAN_DUPLICATE = _("This unit already has a penetapan for this year.")
PENETAPAN_CYCLE_CLOSED = _("The year %(tahun)s is closed; its penetapan can no longer change.")
PENETAPAN_DESIGNATED_LOCKED = _("This penetapan is designated by SK; its criteria can no longer be changed.")
PENETAPAN_AFIRMASI_PEMDA_ONLY = _("Afirmasi (Stranas PK) applies only to units of a regional government.")
PENETAPAN_AFIRMASI_UNKNOWN = _("Choose a valid afirmasi type.")
PENETAPAN_SK_NUMBER_REQUIRED = _("Enter the SK number.")
PENETAPAN_SK_DATE_REQUIRED = _("Enter the SK date.")
PENETAPAN_SK_DATE_FUTURE = _("The SK date cannot be in the future.")
PENETAPAN_SK_DATE_YEAR = _("The SK date must fall in %(tahun)s or %(previous)s.")
PENETAPAN_SK_FILE_REQUIRED = _("Upload the signed SK.")
PENETAPAN_SK_FILE_KIND = _("The SK must be a PDF or a scanned image (PNG or JPEG).")
PENETAPAN_CONFLICT = _(
    "Someone else changed this penetapan meanwhile. Your input is kept below: check the saved values and submit again."
)

IMPORT_REQUIRED = _("This column is required.")
IMPORT_TOO_LONG = _("At most %(limit)s characters.")
IMPORT_DUPLICATE_IN_FILE = _("Also in row %(row)s of this file.")
IMPORT_UNKNOWN_KIND = _("Unknown kind “%(value)s”. Use one of: %(choices)s.")
IMPORT_UNKNOWN_PARENT = _("No unit with code “%(code)s” in this file or in the register.")
IMPORT_PARENT_SELF = _("A unit cannot be its own parent.")
IMPORT_PARENT_CYCLE = _("The parent codes form a loop.")
IMPORT_UNKNOWN_UNIT = _("No unit with code “%(code)s” in the register.")
IMPORT_UNIT_INACTIVE = _("The unit “%(code)s” is no longer active.")
IMPORT_UNIT_OUTSIDE = _("The unit “%(code)s” is outside your own unit.")
IMPORT_NIP_OUTSIDE = _("This NIP belongs to a pegawai of a unit outside your own; ask the ZI administrator.")
IMPORT_NIP_AS_NUMBER = _("The NIP was stored as a number, which loses digits; format the column as text.")
IMPORT_EMAIL_INVALID = _("Enter a valid email address.")
IMPORT_RACE = _("The register changed while importing. Nothing was saved; please import again.")

# A tree deeper than this is a data error, not an organisation (and keeps ``path`` within 255 chars).
MAX_UNIT_DEPTH = 12
PATH_MAX_LENGTH = UnitKerja._meta.get_field("path").max_length or 255

UNIT_AUDIT_FIELDS = ["code", "name", "kind", "address", "parent", "is_active", "path"]
PEGAWAI_AUDIT_FIELDS = ["nip", "name", "position", "rank", "email", "unit", "is_active"]
CYCLE_DATE_FIELDS = (
    "fill_start",
    "fill_end",
    "review_start",
    "review_end",
    "revision_start",
    "revision_end",
    "proposal_end",
)
CYCLE_AUDIT_FIELDS = ["tahun", *CYCLE_DATE_FIELDS, "is_open"]
PENETAPAN_CRITERIA = (
    ("is_core_service", "core_service_reason"),
    ("is_high_risk", "high_risk_reason"),
    ("is_broad_impact", "broad_impact_reason"),
)
PENETAPAN_EDIT_FIELDS = [name for pair in PENETAPAN_CRITERIA for name in pair] + ["afirmasi_type"]
PENETAPAN_AUDIT_FIELDS = [
    "unit",
    "cycle",
    *PENETAPAN_EDIT_FIELDS,
    "sk_number",
    "sk_date",
    "sk_file",
    "status",
    "version",
]
PEMDA_KINDS = frozenset({InstansiKind.PROVINSI, InstansiKind.KABUPATEN, InstansiKind.KOTA})
SK_FILE_KINDS = frozenset({FileKind.PDF, FileKind.PNG, FileKind.JPEG})
TAHUN_LOW, TAHUN_HIGH = 2010, 2100


# -----------------------------------------------------------------------------
# Shared checks
# -----------------------------------------------------------------------------


def _require(actor: Membership, capability: str) -> None:
    if not actor.can(capability):
        raise PermissionDeniedError(NOT_PERMITTED)


def actor_reaches_unit(actor: Membership, unit: UnitKerja) -> bool:
    """Same instansi, and for a unit-narrowed member: inside their own subtree."""
    if unit.instansi_id != actor.instansi_id:
        return False
    if not actor.is_unit_narrowed:
        return True
    root = actor.unit
    return root is not None and unit.is_in_subtree_of(root)


def _require_reach(actor: Membership, unit: UnitKerja, *, field_name: str | None = None) -> None:
    if actor_reaches_unit(actor, unit):
        return
    if unit.instansi_id != actor.instansi_id:
        # Another instansi's unit is "not found", never "not yours" (DESIGN §4).
        key = field_name or NON_FIELD_ERRORS
        raise ValidationError({key: ValidationError(UNIT_PARENT_NOT_FOUND, code="not_found")})
    raise PermissionDeniedError(UNIT_OUTSIDE_SUBTREE)


def _field_error(field_name: str, message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError({field_name: ValidationError(message, code=code, params=params or None)})


def _insert_unique(obj: Any, *, field_name: str, message: Any, code: str) -> None:
    """Insert a row whose uniqueness was checked just before: a concurrent twin that slipped in
    between becomes the same field error instead of an IntegrityError (a 500)."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise _field_error(field_name, message, code) from exc


def _lock_instansi(instansi_id: int) -> None:
    """Serialise tree moves and imports of one instansi (two concurrent moves could build a loop)."""
    list(Instansi.objects.select_for_update().filter(pk=instansi_id).values_list("pk", flat=True))


# -----------------------------------------------------------------------------
# Unit kerja
# -----------------------------------------------------------------------------


def _check_code_free(*, instansi_id: int, code: str, exclude_pk: int | None = None) -> None:
    if not code:
        raise _field_error("code", UNIT_CODE_REQUIRED, "required")
    taken = UnitKerja.objects.filter(instansi_id=instansi_id, code=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise _field_error("code", UNIT_CODE_TAKEN, "unit_code_taken")


def _check_parent(actor: Membership, parent: UnitKerja | None) -> None:
    if parent is None:
        if actor.is_unit_narrowed:
            raise PermissionDeniedError(UNIT_OUTSIDE_SUBTREE)
        return
    _require_reach(actor, parent, field_name="parent")
    if not parent.is_active:
        raise _field_error("parent", UNIT_INACTIVE, "unit_inactive")


def _insert_unit(unit: UnitKerja) -> UnitKerja:
    """Save a new unit and derive its path from the parent (the id is known only after the insert)."""
    parent = unit.parent
    if parent is not None:
        # The in-memory parent may predate a move of one of its ancestors (imports move units).
        parent.refresh_from_db(fields=["path", "depth"])
    depth = parent.depth + 1 if parent is not None else 0
    if depth > MAX_UNIT_DEPTH:
        raise _field_error("parent", UNIT_TOO_DEEP, "unit_too_deep")
    unit.depth = depth
    _insert_unique(unit, field_name="code", message=UNIT_CODE_TAKEN, code="unit_code_taken")
    unit.path = f"{parent.path if parent is not None else '/'}{unit.pk}/"
    if len(unit.path) > PATH_MAX_LENGTH:
        raise _field_error("parent", UNIT_TOO_DEEP, "unit_too_deep")
    unit.save(update_fields=["path"])
    return unit


def _move_unit(unit: UnitKerja, new_parent: UnitKerja | None) -> None:
    """Re-hang ``unit`` under ``new_parent`` and rewrite the path and depth of its whole subtree.

    Caller holds the instansi lock; both paths are re-read under it so a concurrent move cannot
    slip a loop past the check.
    """
    current = UnitKerja.objects.filter(pk=unit.pk).values("path", "depth").get()
    old_path, old_depth = current["path"], current["depth"]
    if new_parent is not None:
        new_parent.refresh_from_db(fields=["path", "depth"])
        if new_parent.pk == unit.pk or new_parent.path.startswith(old_path):
            raise _field_error("parent", UNIT_PARENT_CYCLE, "unit_parent_cycle")
    new_path = f"{new_parent.path if new_parent is not None else '/'}{unit.pk}/"
    new_depth = new_parent.depth + 1 if new_parent is not None else 0
    subtree = UnitKerja.objects.filter(instansi_id=unit.instansi_id, path__startswith=old_path)
    deepest = subtree.aggregate(depth=Max("depth"), length=Max(Length("path")))
    if (deepest["depth"] or old_depth) - old_depth + new_depth > MAX_UNIT_DEPTH or (
        (deepest["length"] or len(old_path)) - len(old_path) + len(new_path) > PATH_MAX_LENGTH
    ):
        raise _field_error("parent", UNIT_TOO_DEEP, "unit_too_deep")
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
    _require(actor, Cap.UNIT_MANAGE)
    _check_parent(actor, parent)
    code = code.strip()
    _check_code_free(instansi_id=actor.instansi_id, code=code)
    _lock_instansi(actor.instansi_id)  # the parent's path must not change under us
    unit = UnitKerja(
        instansi_id=actor.instansi_id,
        parent=parent,
        code=code,
        name=name.strip(),
        kind=kind,
        address=address.strip(),
    )
    unit.full_clean(exclude=["path"])
    _insert_unit(unit)
    audit_record(actor=actor.user, verb="unit_kerja.create", obj=unit, after=snapshot(unit, UNIT_AUDIT_FIELDS))
    return unit


UNIT_UPDATE_FIELDS = ("code", "name", "kind", "address", "is_active")


@transaction.atomic
def unit_kerja_update(*, actor: Membership, unit: UnitKerja, data: Mapping[str, Any]) -> UnitKerja:
    """Change a unit's fields; ``data["parent"]`` moves it (and its subtree). Audited when changed.

    Holds the instansi lock while moving. Refuses a parent inside the unit's own subtree.
    """
    _require(actor, Cap.UNIT_MANAGE)
    _require_reach(actor, unit)
    if "parent" in data and data["parent"] != unit.parent:
        # Instansi first, then unit rows: the same order as imports, so the two never deadlock.
        _lock_instansi(actor.instansi_id)
    unit = UnitKerja.objects.select_for_update().get(pk=unit.pk, instansi_id=actor.instansi_id)
    version_check(unit, data.get("version"))
    before = snapshot(unit, UNIT_AUDIT_FIELDS)
    clean = {key: data[key] for key in UNIT_UPDATE_FIELDS if key in data}
    for key in ("code", "name", "address"):
        if key in clean:
            clean[key] = str(clean[key]).strip()
    if "code" in clean and clean["code"] != unit.code:
        _check_code_free(instansi_id=actor.instansi_id, code=clean["code"], exclude_pk=unit.pk)
    moved = False
    if "parent" in data and data["parent"] != unit.parent:
        new_parent = data["parent"]
        _check_parent(actor, new_parent)
        _lock_instansi(actor.instansi_id)  # already held unless the parent changed meanwhile
        _move_unit(unit, new_parent)
        moved = True
    _, changes = model_update(instance=unit, fields=UNIT_UPDATE_FIELDS, data=clean)
    if changes or moved:
        after = snapshot(unit, UNIT_AUDIT_FIELDS)
        audit_record(
            actor=actor.user,
            verb="unit_kerja.update",
            obj=unit,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    return unit


@transaction.atomic
def unit_kerja_set_head(*, actor: Membership, unit: UnitKerja, pegawai: Pegawai | None) -> UnitKerja:
    """Name the head of unit (an active pegawai of that very unit), or clear it with ``None``."""
    _require(actor, Cap.UNIT_MANAGE)
    _require_reach(actor, unit)
    unit = UnitKerja.objects.select_for_update().get(pk=unit.pk, instansi_id=actor.instansi_id)
    if pegawai is not None and (pegawai.unit_id != unit.pk or not pegawai.is_active):
        raise _field_error("head", UNIT_HEAD_NOT_MEMBER, "head_not_member")
    unit, changes = model_update(instance=unit, fields=["head"], data={"head": pegawai})
    if changes:
        before, after = changes_to_before_after(changes)
        audit_record(actor=actor.user, verb="unit_kerja.set_head", obj=unit, before=before, after=after)
    return unit


# -----------------------------------------------------------------------------
# Pegawai
# -----------------------------------------------------------------------------


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
        raise _field_error("nip", PEGAWAI_NIP_TAKEN, "nip_taken")
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
    _require(actor, Cap.PEGAWAI_MANAGE)
    _require_reach(actor, unit, field_name="unit")
    if not unit.is_active:
        raise _field_error("unit", UNIT_INACTIVE, "unit_inactive")
    nip = _check_nip(nip, instansi_id=actor.instansi_id)
    pegawai = Pegawai(
        instansi_id=actor.instansi_id,
        unit=unit,
        nip=nip,
        name=name.strip(),
        position=position.strip(),
        rank=rank.strip(),
        email=email.strip(),
    )
    pegawai.full_clean()
    _insert_unique(pegawai, field_name="nip", message=PEGAWAI_NIP_TAKEN, code="nip_taken")
    audit_record(actor=actor.user, verb="pegawai.create", obj=pegawai, after=snapshot(pegawai, PEGAWAI_AUDIT_FIELDS))
    return pegawai


PEGAWAI_UPDATE_FIELDS = ("nip", "name", "position", "rank", "email")


@transaction.atomic
def pegawai_update(*, actor: Membership, pegawai: Pegawai, data: Mapping[str, Any]) -> Pegawai:
    """Correct a pegawai's NIP, name, position, rank or email. Audited when something changed."""
    _require(actor, Cap.PEGAWAI_MANAGE)
    _require_reach(actor, pegawai.unit)
    pegawai = Pegawai.objects.select_for_update().get(pk=pegawai.pk, instansi_id=actor.instansi_id)
    version_check(pegawai, data.get("version"))
    clean = {key: str(data[key]).strip() for key in PEGAWAI_UPDATE_FIELDS if key in data}
    if "nip" in clean:
        clean["nip"] = normalize_nip(clean["nip"])
        if clean["nip"] != pegawai.nip:
            clean["nip"] = _check_nip(clean["nip"], instansi_id=actor.instansi_id, exclude_pk=pegawai.pk)
    pegawai, changes = model_update(instance=pegawai, fields=PEGAWAI_UPDATE_FIELDS, data=clean)
    if changes:
        before, after = changes_to_before_after(changes)
        audit_record(actor=actor.user, verb="pegawai.update", obj=pegawai, before=before, after=after)
    return pegawai


@transaction.atomic
def pegawai_account_link(*, actor: Membership, pegawai: Pegawai, user: Any) -> Pegawai:
    """Link a login to the roster entry of the same person (issue 17: the signer is the person).

    Refused when the account is not a member of the instansi, when the pegawai has left or is
    already linked to another account (unlink first), when the account is already linked to another
    pegawai there, or when the account's name is not the pegawai's name (titles aside): the pact a
    pegawai signs with that account carries the linked entry's name and NIP. Audited."""
    from apps.unit_kerja.validators import same_person_name

    _require(actor, Cap.PEGAWAI_MANAGE)
    _require_reach(actor, pegawai.unit)
    pegawai = Pegawai.objects.select_for_update().get(pk=pegawai.pk, instansi_id=actor.instansi_id)
    if user is None or not Membership.objects.filter(user=user, instansi_id=actor.instansi_id, is_active=True).exists():
        raise _field_error("user", PEGAWAI_ACCOUNT_NOT_MEMBER, "not_member")
    if pegawai.user_id == user.pk:
        return pegawai
    if not pegawai.is_active:
        raise _field_error("user", PEGAWAI_ACCOUNT_LEFT, "left")
    if pegawai.user_id is not None:
        raise _field_error("user", PEGAWAI_ACCOUNT_LINKED_ELSEWHERE, "linked", account=pegawai.user.email)
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
    other = Pegawai.objects.filter(instansi_id=actor.instansi_id, user=user).exclude(pk=pegawai.pk).first()
    if other is not None:
        raise ValidationError(
            {"user": ValidationError(PEGAWAI_ACCOUNT_TAKEN, code="taken", params={"other": str(other)})}
        )
    before = {"user": None}
    pegawai.user = user
    pegawai.save(update_fields=["user", "updated_at"])
    audit_record(actor=actor.user, verb="pegawai.account_link", obj=pegawai, before=before, after={"user": user.email})
    return pegawai


@transaction.atomic
def pegawai_account_unlink(*, actor: Membership, pegawai: Pegawai) -> Pegawai:
    """Undo a link (a wrong login, or the person's account replaced). What was signed stays signed:
    a pact records its pegawai, not the login. Audited with the account before."""
    _require(actor, Cap.PEGAWAI_MANAGE)
    _require_reach(actor, pegawai.unit)
    pegawai = (
        Pegawai.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=pegawai.pk, instansi_id=actor.instansi_id)
    )
    if pegawai.user_id is None:
        raise TransitionNotAllowed(PEGAWAI_ACCOUNT_NONE)
    before = {"user": pegawai.user.email}
    pegawai.user = None
    pegawai.save(update_fields=["user", "updated_at"])
    audit_record(actor=actor.user, verb="pegawai.account_unlink", obj=pegawai, before=before, after={"user": None})
    return pegawai


@transaction.atomic
def pegawai_deactivate(*, actor: Membership, pegawai: Pegawai) -> Pegawai:
    """Mark a pegawai as having left. The row stays (signatures and assignments keep their history);
    a unit they headed loses its head."""
    _require(actor, Cap.PEGAWAI_MANAGE)
    _require_reach(actor, pegawai.unit)
    pegawai = Pegawai.objects.select_for_update().get(pk=pegawai.pk, instansi_id=actor.instansi_id)
    if not pegawai.is_active:
        raise TransitionNotAllowed(PEGAWAI_ALREADY_LEFT)
    pegawai.is_active = False
    pegawai.save(update_fields=["is_active", "updated_at"])
    _clear_head_of(pegawai, actor=actor)
    audit_record(
        actor=actor.user, verb="pegawai.deactivate", obj=pegawai, before={"is_active": True}, after={"is_active": False}
    )
    return pegawai


@transaction.atomic
def pegawai_transfer(*, actor: Membership, pegawai: Pegawai, unit: UnitKerja) -> Pegawai:
    """Move a pegawai to another active unit of the same instansi.

    A unit-narrowed member (tim kerja) can move people only between units of their own subtree.
    The old unit loses its head if the pegawai headed it.
    """
    _require(actor, Cap.PEGAWAI_MANAGE)
    _require_reach(actor, pegawai.unit)
    _require_reach(actor, unit, field_name="unit")
    pegawai = Pegawai.objects.select_for_update().get(pk=pegawai.pk, instansi_id=actor.instansi_id)
    if not pegawai.is_active:
        raise TransitionNotAllowed(PEGAWAI_HAS_LEFT)
    if unit.pk == pegawai.unit_id:
        raise _field_error("unit", PEGAWAI_SAME_UNIT, "same_unit")
    if not unit.is_active:
        raise _field_error("unit", UNIT_INACTIVE, "unit_inactive")
    old_unit = pegawai.unit
    pegawai.unit = unit
    pegawai.save(update_fields=["unit", "updated_at"])
    _clear_head_of(pegawai, actor=actor)
    audit_record(
        actor=actor.user,
        verb="pegawai.transfer",
        obj=pegawai,
        before={"unit": str(old_unit.public_id)},
        after={"unit": str(unit.public_id)},
    )
    return pegawai


# -----------------------------------------------------------------------------
# Imports (CSV / XLSX): validate every row, then write all or nothing
# -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    """What an import did, or why it did nothing: ``errors`` non-empty means no row was written."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ImportRowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, row_number: int, column: str, message: Any, /, **params: Any) -> None:
        text = str(message) % params if params else str(message)
        self.errors.append(ImportRowError(row=row_number, column=column, message=text))


def _kind_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for value, label in UnitKind.choices:
        lookup[value.lower()] = value
        lookup[str(label).lower()] = value
    return lookup


def _text_cell(result: ImportResult, row: Row, column: str, *, limit: int, required: bool = False) -> str:
    text = cell_text(row.values.get(column))
    if required and not text:
        result.add(row.number, column, IMPORT_REQUIRED)
    elif len(text) > limit:
        result.add(row.number, column, IMPORT_TOO_LONG, limit=limit)
    return text


@dataclass
class _UnitRow:
    number: int
    code: str
    name: str
    kind: str | None
    address: str | None
    parent_code: str | None  # None: column absent (keep); "": top level


@transaction.atomic
def unit_kerja_import(*, actor: Membership, file: UploadedFile) -> ImportResult:
    """Import units from CSV/XLSX (columns kode, nama, kode_induk, jenis, alamat).

    Upserts by ``kode``. ``kode_induk`` may name another row of the file or a registered unit; a
    blank one puts the unit at the top. A column that is present overwrites (even when blank), an
    absent column keeps what is registered. Every row is checked first; with any error nothing is
    written. One audit event summarises the counts. Raises ``ValidationError({"file": ...})``
    for a file that cannot be read at all.
    """
    _require(actor, Cap.UNIT_MANAGE)
    if actor.is_unit_narrowed:
        raise PermissionDeniedError(NOT_PERMITTED)
    rows = read_table(file, required=("kode", "nama"), optional=("kode_induk", "jenis", "alamat"))
    _lock_instansi(actor.instansi_id)
    result = ImportResult(total=len(rows))
    kinds = _kind_lookup()
    max_code = UnitKerja._meta.get_field("code").max_length or 40
    max_name = UnitKerja._meta.get_field("name").max_length or 200

    parsed: list[_UnitRow] = []
    first_row: dict[str, int] = {}
    for row in rows:
        code = _text_cell(result, row, "kode", limit=max_code, required=True)
        name = _text_cell(result, row, "nama", limit=max_name, required=True)
        if code in first_row:
            result.add(row.number, "kode", IMPORT_DUPLICATE_IN_FILE, row=first_row[code])
        elif code:
            first_row[code] = row.number
        kind: str | None = None
        if "jenis" in row.values:
            raw_kind = cell_text(row.values["jenis"])
            kind = kinds.get(raw_kind.lower()) if raw_kind else UnitKind.LAINNYA
            if kind is None:
                result.add(
                    row.number,
                    "jenis",
                    IMPORT_UNKNOWN_KIND,
                    value=raw_kind,
                    choices=", ".join(v for v, _label in UnitKind.choices),
                )
        address = cell_text(row.values["alamat"]) if "alamat" in row.values else None
        parent_code = cell_text(row.values["kode_induk"]) if "kode_induk" in row.values else None
        if parent_code and parent_code == code:
            result.add(row.number, "kode_induk", IMPORT_PARENT_SELF)
        parsed.append(_UnitRow(row.number, code, name, kind, address, parent_code))

    # The whole register as (code → parent code), with the file's rows laid over it, to find
    # unknown parents and loops before anything is written.
    registered = {u.code: u for u in UnitKerja.objects.filter(instansi_id=actor.instansi_id).select_related("parent")}
    parent_of: dict[str, str] = {code: (u.parent.code if u.parent else "") for code, u in registered.items()}
    for item in parsed:
        if item.code and item.parent_code is not None:
            parent_of[item.code] = item.parent_code
    for item in parsed:
        if not item.parent_code or item.parent_code == item.code:
            continue
        if item.parent_code not in parent_of:
            result.add(item.number, "kode_induk", IMPORT_UNKNOWN_PARENT, code=item.parent_code)
            continue
        seen, cursor = {item.code}, item.parent_code
        while cursor:
            if cursor in seen:
                result.add(item.number, "kode_induk", IMPORT_PARENT_CYCLE)
                break
            seen.add(cursor)
            cursor = parent_of.get(cursor, "")
    if not result.ok:
        result.errors.sort(key=lambda e: e.row)
        return result

    # Parents before children: order the file's rows by their depth in the final tree.
    def final_depth(code: str) -> int:
        depth, cursor = 0, parent_of.get(code, "")
        while cursor:
            depth, cursor = depth + 1, parent_of.get(cursor, "")
        return depth

    try:
        with transaction.atomic():
            for item in sorted(parsed, key=lambda i: final_depth(i.code)):
                _import_unit_row(item, registered=registered, actor=actor, result=result)
    except ValidationError as exc:
        # Depth or path length only shows once parents are placed: report it on the row.
        result.created = result.updated = result.unchanged = 0
        result.add(item.number, "kode_induk", exc.messages[0])
        return result
    except IntegrityError:
        result.created = result.updated = result.unchanged = 0
        result.add(1, "", IMPORT_RACE)
        return result
    audit_record(
        actor=actor.user,
        verb="unit_kerja.import",
        obj=actor.instansi,
        after={
            "file": file.name,
            "rows": result.total,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
    )
    return result


def _import_unit_row(
    item: _UnitRow, *, registered: dict[str, UnitKerja], actor: Membership, result: ImportResult
) -> None:
    parent = registered.get(item.parent_code) if item.parent_code else None
    existing = registered.get(item.code)
    if existing is None:
        unit = UnitKerja(
            instansi_id=actor.instansi_id,
            parent=parent,
            code=item.code,
            name=item.name,
            kind=item.kind or UnitKind.LAINNYA,
            address=item.address or "",
        )
        _insert_unit(unit)
        registered[item.code] = unit
        result.created += 1
        return
    moved = False
    if item.parent_code is not None and existing.parent_id != (parent.pk if parent else None):
        _move_unit(existing, parent)
        moved = True
    data: dict[str, Any] = {"name": item.name}
    if item.kind is not None:
        data["kind"] = item.kind
    if item.address is not None:
        data["address"] = item.address
    _, changes = model_update(instance=existing, fields=["name", "kind", "address"], data=data)
    if changes or moved:
        result.updated += 1
    else:
        result.unchanged += 1


@dataclass
class _PegawaiRow:
    number: int
    nip: str
    name: str
    unit: UnitKerja
    position: str | None
    rank: str | None
    email: str | None


@transaction.atomic
def pegawai_import(*, actor: Membership, file: UploadedFile) -> ImportResult:
    """Import the roster from CSV/XLSX (columns nip, nama, jabatan, pangkat, email, kode_unit).

    Upserts by NIP; an imported pegawai is active (someone who left and is listed again returns).
    A unit-narrowed member may import only into, and only update pegawai of, their own subtree.
    Every row is checked first; with any error nothing is written. One audit event summarises the
    counts. Raises ``ValidationError({"file": ...})`` for a file that cannot be read at all.
    """
    _require(actor, Cap.PEGAWAI_MANAGE)
    rows = read_table(file, required=("nip", "nama", "kode_unit"), optional=("jabatan", "pangkat", "email"))
    _lock_instansi(actor.instansi_id)
    result = ImportResult(total=len(rows))
    limits = {name: Pegawai._meta.get_field(name).max_length or 200 for name in ("name", "position", "rank", "email")}
    unit_codes = {cell_text(r.values.get("kode_unit")) for r in rows} - {""}
    units = {u.code: u for u in UnitKerja.objects.filter(instansi_id=actor.instansi_id, code__in=unit_codes)}
    nips_raw = {normalize_nip(cell_text(r.values.get("nip"))) for r in rows}
    existing = {
        p.nip: p
        for p in Pegawai.objects.filter(instansi_id=actor.instansi_id, nip__in=nips_raw - {""}).select_related("unit")
    }

    parsed: list[_PegawaiRow] = []
    first_row: dict[str, int] = {}
    for row in rows:
        row_ok = True
        raw_nip = row.values.get("nip")
        nip = normalize_nip(cell_text(raw_nip))
        if isinstance(raw_nip, int | float) and not isinstance(raw_nip, bool):
            result.add(row.number, "nip", IMPORT_NIP_AS_NUMBER)
            row_ok = False
        elif not nip:
            result.add(row.number, "nip", IMPORT_REQUIRED)
            row_ok = False
        else:
            try:
                validate_nip(nip)
            except ValidationError as exc:
                result.add(row.number, "nip", exc.messages[0])
                row_ok = False
        if nip and row_ok:
            if nip in first_row:
                result.add(row.number, "nip", IMPORT_DUPLICATE_IN_FILE, row=first_row[nip])
                row_ok = False
            else:
                first_row[nip] = row.number
        name = _text_cell(result, row, "nama", limit=limits["name"], required=True)
        position = _text_cell(result, row, "jabatan", limit=limits["position"]) if "jabatan" in row.values else None
        rank = _text_cell(result, row, "pangkat", limit=limits["rank"]) if "pangkat" in row.values else None
        email = _text_cell(result, row, "email", limit=limits["email"]) if "email" in row.values else None
        if email:
            try:
                validate_email(email)
            except ValidationError:
                result.add(row.number, "email", IMPORT_EMAIL_INVALID)
        code = cell_text(row.values.get("kode_unit"))
        unit = units.get(code)
        if not code:
            result.add(row.number, "kode_unit", IMPORT_REQUIRED)
        elif unit is None:
            result.add(row.number, "kode_unit", IMPORT_UNKNOWN_UNIT, code=code)
        elif not actor_reaches_unit(actor, unit):
            result.add(row.number, "kode_unit", IMPORT_UNIT_OUTSIDE, code=code)
        elif not unit.is_active:
            result.add(row.number, "kode_unit", IMPORT_UNIT_INACTIVE, code=code)
        current = existing.get(nip)
        if row_ok and current is not None and not actor_reaches_unit(actor, current.unit):
            result.add(row.number, "nip", IMPORT_NIP_OUTSIDE)
        if unit is not None and nip:
            parsed.append(_PegawaiRow(row.number, nip, name, unit, position, rank, email))
    if not result.ok:
        result.errors.sort(key=lambda e: e.row)
        return result

    now = timezone.now()
    to_create: list[Pegawai] = []
    to_update: list[Pegawai] = []
    moved_ids: list[int] = []
    for item in parsed:
        values: dict[str, Any] = {"name": item.name, "unit": item.unit, "is_active": True}
        for key in ("position", "rank", "email"):
            if getattr(item, key) is not None:
                values[key] = getattr(item, key)
        current = existing.get(item.nip)
        if current is None:
            to_create.append(Pegawai(instansi_id=actor.instansi_id, nip=item.nip, **values))
            continue
        changed = {key for key, value in values.items() if getattr(current, key) != value}
        if not changed:
            result.unchanged += 1
            continue
        if "unit" in changed:
            moved_ids.append(current.pk)
        for key in changed:
            setattr(current, key, values[key])
        current.updated_at = now
        to_update.append(current)
    try:
        with transaction.atomic():
            Pegawai.objects.bulk_create(to_create, batch_size=1000)
            Pegawai.objects.bulk_update(
                to_update,
                ["name", "position", "rank", "email", "unit", "is_active", "updated_at"],
                batch_size=1000,
            )
            if moved_ids:
                # A head who moved away no longer heads the old unit.
                UnitKerja.objects.filter(instansi_id=actor.instansi_id, head_id__in=moved_ids).update(
                    head=None, updated_at=now
                )
    except IntegrityError:
        result.add(1, "", IMPORT_RACE)
        return result
    result.created, result.updated = len(to_create), len(to_update)
    audit_record(
        actor=actor.user,
        verb="pegawai.import",
        obj=actor.instansi,
        after={
            "file": file.name,
            "rows": result.total,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
    )
    return result


# -----------------------------------------------------------------------------
# Cycle (tahun)
# -----------------------------------------------------------------------------


def cycle_defaults(tahun: int) -> dict[str, datetime.date]:
    """The usual windows (DESIGN §6): fill January to March, TPI review April, revision April to mid-May,
    proposal by 31 May."""
    return {
        "fill_start": datetime.date(tahun, 1, 1),
        "fill_end": datetime.date(tahun, 3, 31),
        "review_start": datetime.date(tahun, 4, 1),
        "review_end": datetime.date(tahun, 4, 30),
        "revision_start": datetime.date(tahun, 4, 1),
        "revision_end": datetime.date(tahun, 5, 15),
        "proposal_end": datetime.date(tahun, 5, 31),
    }


def cycle_validate_windows(*, tahun: int, dates: Mapping[str, datetime.date | None]) -> None:
    """Raise a ``ValidationError`` keyed by field for every window that is out of place."""
    errors: dict[str, list[ValidationError]] = {}

    def fail(name: str, message: Any, code: str, **params: Any) -> None:
        errors.setdefault(name, []).append(ValidationError(message, code=code, params=params or None))

    for name in CYCLE_DATE_FIELDS:
        value = dates.get(name)
        if value is None:
            fail(name, CYCLE_DATE_REQUIRED, "required")
        elif value.year != tahun:
            fail(name, CYCLE_DATE_OUTSIDE_YEAR, "outside_year", tahun=tahun)
    if errors:
        raise ValidationError(errors)
    d = {name: cast(datetime.date, dates[name]) for name in CYCLE_DATE_FIELDS}
    for start, end in (("fill_start", "fill_end"), ("review_start", "review_end"), ("revision_start", "revision_end")):
        if d[end] < d[start]:
            fail(end, CYCLE_WINDOW_REVERSED, "window_reversed")
    if d["review_start"] < d["fill_start"]:
        fail("review_start", CYCLE_REVIEW_BEFORE_FILL, "review_before_fill")
    if d["revision_start"] < d["review_start"]:
        fail("revision_start", CYCLE_REVISION_BEFORE_REVIEW, "revision_before_review")
    if d["proposal_end"] <= d["fill_end"]:
        fail("proposal_end", CYCLE_PROPOSAL_NOT_AFTER_FILL, "proposal_not_after_fill")
    for end in ("review_end", "revision_end"):
        if d[end] > d["proposal_end"] and end not in errors:
            fail(end, CYCLE_AFTER_PROPOSAL, "after_proposal")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def cycle_open(*, actor: Membership, tahun: int, **windows: datetime.date | None) -> Cycle:
    """Open a ZI year with its windows; omitted windows take :func:`cycle_defaults`. Audited.

    Every window lies inside the year; the proposal deadline comes after the self-assessment closes.
    """
    _require(actor, Cap.CYCLE_MANAGE)
    unknown = set(windows) - set(CYCLE_DATE_FIELDS)
    if unknown:
        raise TypeError(f"cycle_open() got unexpected windows {sorted(unknown)}")
    if not TAHUN_LOW <= tahun <= TAHUN_HIGH:
        raise _field_error("tahun", CYCLE_TAHUN_RANGE, "tahun_range", low=TAHUN_LOW, high=TAHUN_HIGH)
    if Cycle.objects.filter(instansi_id=actor.instansi_id, tahun=tahun).exists():
        raise _field_error("tahun", CYCLE_TAHUN_TAKEN, "tahun_taken")
    dates = {**cycle_defaults(tahun), **{k: v for k, v in windows.items() if v is not None}}
    cycle_validate_windows(tahun=tahun, dates=dates)
    cycle = Cycle(instansi_id=actor.instansi_id, tahun=tahun, **dates)
    cycle.full_clean()
    _insert_unique(cycle, field_name="tahun", message=CYCLE_TAHUN_TAKEN, code="tahun_taken")
    audit_record(actor=actor.user, verb="cycle.open", obj=cycle, after=snapshot(cycle, CYCLE_AUDIT_FIELDS))
    return cycle


@transaction.atomic
def cycle_update(*, actor: Membership, cycle: Cycle, data: Mapping[str, Any]) -> Cycle:
    """Change a year's windows or close/reopen it (``is_open``). The year itself never changes."""
    _require(actor, Cap.CYCLE_MANAGE)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk, instansi_id=actor.instansi_id)
    version_check(cycle, data.get("version"))
    dates = {name: data.get(name, getattr(cycle, name)) for name in CYCLE_DATE_FIELDS}
    cycle_validate_windows(tahun=cycle.tahun, dates=dates)
    values: dict[str, Any] = dict(dates)
    if "is_open" in data:
        values["is_open"] = bool(data["is_open"])
    cycle, changes = model_update(instance=cycle, fields=[*CYCLE_DATE_FIELDS, "is_open"], data=values)
    if changes:
        before, after = changes_to_before_after(changes)
        audit_record(actor=actor.user, verb="cycle.update", obj=cycle, before=before, after=after)
    return cycle


# -----------------------------------------------------------------------------
# Penetapan
# -----------------------------------------------------------------------------


def _clean_criteria(*, instansi: Instansi, values: Mapping[str, Any]) -> dict[str, Any]:
    """Normalise the criteria and afirmasi; a reason without its ticked criterion is dropped."""
    clean: dict[str, Any] = {}
    errors: dict[str, list[ValidationError]] = {}
    for flag, reason in PENETAPAN_CRITERIA:
        ticked = bool(values.get(flag, False))
        text = str(values.get(reason) or "").strip()
        clean[flag] = ticked
        clean[reason] = text if ticked else ""
        if ticked and not text:
            errors.setdefault(reason, []).append(ValidationError(PENETAPAN_REASON_REQUIRED, code="reason_required"))
    if not any(clean[flag] for flag, _reason in PENETAPAN_CRITERIA):
        errors.setdefault(NON_FIELD_ERRORS, []).append(ValidationError(PENETAPAN_NO_CRITERION, code="no_criterion"))
    afirmasi = str(values.get("afirmasi_type") or "")
    if afirmasi and afirmasi not in AfirmasiType.values:
        errors.setdefault("afirmasi_type", []).append(ValidationError(PENETAPAN_AFIRMASI_UNKNOWN, code="invalid"))
    elif afirmasi and instansi.kind not in PEMDA_KINDS:
        # PermenPANRB 5/2024: the Stranas-PK affirmation is for Pemda service units only.
        errors.setdefault("afirmasi_type", []).append(
            ValidationError(PENETAPAN_AFIRMASI_PEMDA_ONLY, code="afirmasi_pemda_only")
        )
    clean["afirmasi_type"] = afirmasi
    if errors:
        raise ValidationError(errors)
    return clean


def _require_cycle_open(cycle: Cycle) -> None:
    if not cycle.is_open:
        raise WindowClosed(PENETAPAN_CYCLE_CLOSED % {"tahun": cycle.tahun}, code="cycle_closed")


@transaction.atomic
def penetapan_create(
    *,
    actor: Membership,
    unit: UnitKerja,
    cycle: Cycle,
    is_core_service: bool = False,
    core_service_reason: str = "",
    is_high_risk: bool = False,
    high_risk_reason: str = "",
    is_broad_impact: bool = False,
    broad_impact_reason: str = "",
    afirmasi_type: str = "",
) -> Penetapan:
    """Propose a unit for a year: at least one criterion, each ticked one justified. One per unit
    per year; the year must be open. Audited."""
    _require(actor, Cap.PENETAPAN_MANAGE)
    _require_reach(actor, unit, field_name="unit")
    if cycle.instansi_id != actor.instansi_id:
        raise _field_error("cycle", UNIT_PARENT_NOT_FOUND, "not_found")
    _require_cycle_open(cycle)
    if not unit.is_active:
        raise _field_error("unit", UNIT_INACTIVE, "unit_inactive")
    criteria = _clean_criteria(
        instansi=actor.instansi,
        values={
            "is_core_service": is_core_service,
            "core_service_reason": core_service_reason,
            "is_high_risk": is_high_risk,
            "high_risk_reason": high_risk_reason,
            "is_broad_impact": is_broad_impact,
            "broad_impact_reason": broad_impact_reason,
            "afirmasi_type": afirmasi_type,
        },
    )
    if Penetapan.objects.filter(instansi_id=actor.instansi_id, cycle=cycle, unit=unit).exists():
        raise _field_error("unit", PENETAPAN_DUPLICATE, "penetapan_duplicate")
    penetapan = Penetapan(instansi_id=actor.instansi_id, unit=unit, cycle=cycle, **criteria)
    penetapan.full_clean()
    _insert_unique(penetapan, field_name="unit", message=PENETAPAN_DUPLICATE, code="penetapan_duplicate")
    audit_record(
        actor=actor.user, verb="penetapan.create", obj=penetapan, after=snapshot(penetapan, PENETAPAN_AUDIT_FIELDS)
    )
    return penetapan


def _lock_penetapan(actor: Membership, penetapan: Penetapan, version: int) -> Penetapan:
    """Re-read under a row lock and compare the version the form was built from (optimistic lock)."""
    locked = (
        Penetapan.objects.select_for_update(of=("self",))
        .select_related("cycle", "unit", "sk_file")
        .get(pk=penetapan.pk, instansi_id=actor.instansi_id)
    )
    if locked.version != version:
        raise ConflictError(PENETAPAN_CONFLICT, code="conflict")
    return locked


@transaction.atomic
def penetapan_update(*, actor: Membership, penetapan: Penetapan, version: int, data: Mapping[str, Any]) -> Penetapan:
    """Change the criteria, justifications or afirmasi of a proposed penetapan.

    ``version`` is the one the form showed; if the row changed since, ``ConflictError`` and
    nothing is saved. A designated penetapan (SK issued) keeps its criteria.
    """
    _require(actor, Cap.PENETAPAN_MANAGE)
    _require_reach(actor, penetapan.unit)
    penetapan = _lock_penetapan(actor, penetapan, version)
    _require_cycle_open(penetapan.cycle)
    if penetapan.status == PenetapanStatus.DESIGNATED:
        raise TransitionNotAllowed(PENETAPAN_DESIGNATED_LOCKED)
    merged = {name: data.get(name, getattr(penetapan, name)) for name in PENETAPAN_EDIT_FIELDS}
    criteria = _clean_criteria(instansi=actor.instansi, values=merged)
    before = snapshot(penetapan, PENETAPAN_EDIT_FIELDS)
    for name, value in criteria.items():
        setattr(penetapan, name, value)
    after = snapshot(penetapan, PENETAPAN_EDIT_FIELDS)
    if before == after:
        return penetapan
    penetapan.version += 1
    penetapan.full_clean()
    penetapan.save(update_fields=[*PENETAPAN_EDIT_FIELDS, "version", "updated_at"])
    audit_record(
        actor=actor.user,
        verb="penetapan.update",
        obj=penetapan,
        before={k: v for k, v in before.items() if after[k] != v},
        after={**{k: v for k, v in after.items() if before[k] != v}, "version": penetapan.version},
    )
    return penetapan


def _validate_sk(*, cycle: Cycle, sk_number: str, sk_date: datetime.date | None) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if not sk_number:
        errors["sk_number"] = [ValidationError(PENETAPAN_SK_NUMBER_REQUIRED, code="required")]
    if sk_date is None:
        errors["sk_date"] = [ValidationError(PENETAPAN_SK_DATE_REQUIRED, code="required")]
    elif sk_date > timezone.localdate():
        errors["sk_date"] = [ValidationError(PENETAPAN_SK_DATE_FUTURE, code="sk_date_future")]
    elif sk_date.year not in (cycle.tahun, cycle.tahun - 1):
        # Pilot units are usually designated late in the year before; an older SK belongs to another cycle.
        errors["sk_date"] = [
            ValidationError(
                PENETAPAN_SK_DATE_YEAR,
                code="sk_date_year",
                params={"tahun": cycle.tahun, "previous": cycle.tahun - 1},
            )
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def penetapan_designate(
    *,
    actor: Membership,
    penetapan: Penetapan,
    version: int,
    sk_number: str,
    sk_date: datetime.date | None,
    sk_file: UploadedFile | None,
) -> Penetapan:
    """Designate the unit for the year by SK: number, date and the signed file (PDF or scan).

    The SK date is not in the future and falls in the cycle's year or the year before. The file
    is stored through ``bukti_dukung_upload``; re-designating (a corrected SK) keeps the old file
    unless a new one is given, which then *replaces* it. Optimistic lock on ``version``. Audited.
    """
    from apps.unit_kerja.workflows import PENETAPAN

    _require(actor, Cap.PENETAPAN_MANAGE)
    _require_reach(actor, penetapan.unit)
    penetapan = _lock_penetapan(actor, penetapan, version)
    _require_cycle_open(penetapan.cycle)
    sk_number = sk_number.strip()
    _validate_sk(cycle=penetapan.cycle, sk_number=sk_number, sk_date=sk_date)
    if sk_file is None and penetapan.sk_file is None:
        raise _field_error("sk_file", PENETAPAN_SK_FILE_REQUIRED, "required")
    if sk_file is not None:
        try:
            kind, _sha, _size = validate_upload(sk_file, actor=actor)
        except ValidationError as exc:
            raise ValidationError({"sk_file": exc.error_list}) from exc
        if kind not in SK_FILE_KINDS:
            raise _field_error("sk_file", PENETAPAN_SK_FILE_KIND, "sk_file_kind")
    before = snapshot(penetapan, PENETAPAN_AUDIT_FIELDS)
    if sk_file is not None:
        # Stored last, after every check: a refusal leaves no orphan file behind.
        penetapan.sk_file = bukti_dukung_upload(
            actor=actor,
            file=sk_file,
            description=f"SK penetapan ZI {penetapan.cycle.tahun} — {penetapan.unit.code}",
            replaces=penetapan.sk_file,
        )
    penetapan.sk_number = sk_number
    penetapan.sk_date = sk_date
    transition = PENETAPAN.check(state=penetapan.status, action="designate", actor=actor)
    if penetapan.status != transition.target:
        penetapan.status = transition.target
        penetapan.designated_at = timezone.now()
    penetapan.version += 1
    penetapan.full_clean()
    penetapan.save()
    after = snapshot(penetapan, PENETAPAN_AUDIT_FIELDS)
    audit_record(
        actor=actor.user,
        verb="penetapan.designate",
        obj=penetapan,
        before={k: v for k, v in before.items() if after[k] != v},
        after={k: v for k, v in after.items() if before[k] != v},
    )
    return penetapan


# -----------------------------------------------------------------------------
# Import jobs: the roster import in the background (issue 21)
# -----------------------------------------------------------------------------

IMPORT_JOB_NOT_ALLOWED = _("Your role no longer allows this import.")
IMPORT_JOB_BROKEN = _(
    "The import stopped because of an error. Upload the file again; if it fails again, tell your ZI administrator."
)

# A job "running" longer than the task's hard time limit died with its worker: the redelivered task
# (acks_late) or the reconciler may claim it again. The import is all-or-nothing, so a second run is safe.
_IMPORT_STALE_AFTER = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)

# kind → (capability, import service); the services keep every rule of their import.
_IMPORTS: dict[str, tuple[str, Any]] = {
    ImportKind.PEGAWAI: (Cap.PEGAWAI_MANAGE, pegawai_import),
    ImportKind.UNIT: (Cap.UNIT_MANAGE, unit_kerja_import),
}


def import_kind_register(kind: str, *, capability: str, service: Any) -> None:
    """An app above runs its import as a job (from its ``AppConfig.ready``; rencana aksi: the
    kegiatan). ``service(actor=, file=, **job.params)`` returns an ``ImportResult``."""
    _IMPORTS[kind] = (capability, service)


@transaction.atomic
def import_job_create(
    *, actor: Membership, kind: str, file: UploadedFile, params: dict[str, Any] | None = None
) -> ImportJob:
    """Keep an uploaded import file and queue its import for the actor's scope.

    The upload's own checks run here, before anything is stored: the actor's capability
    (``PermissionDeniedError``), size and virus scan (``ValidationError({"file": ...})``). Whether
    the file reads as a table and its rows are right is the import's business (the job page shows
    it). Writes the audit event ``import_job.request`` and enqueues ``run_import_job`` on commit.
    """
    from apps.unit_kerja.tasks import run_import_job

    capability, _service = _IMPORTS[kind]
    _require(actor, capability)
    if actor.instansi_id is None:
        raise PermissionDeniedError(NOT_PERMITTED)
    _content, sha256 = check_import_upload(file)
    job = ImportJob(
        instansi_id=actor.instansi_id,
        kind=kind,
        membership=actor,
        unit=actor.unit if actor.is_unit_narrowed else None,
        requested_by=actor.user,
        file_name=(file.name or "impor")[:255],
        sha256=sha256,
        params=params or {},
    )
    file.seek(0)
    job.file.save(job.file_name, file, save=False)
    job.save()
    audit_record(
        actor=actor.user,
        verb="import_job.request",
        obj=job,
        after={"kind": kind, "file": job.file_name, "sha256": sha256},
    )
    run_import_job.delay_on_commit(instansi_id=actor.instansi_id, job_id=job.pk)
    return job


def _import_job_claim(job_id: int) -> datetime.datetime | None:
    """``pending → running`` (or a stale ``running`` again) as one conditional update; the claim's
    ``started_at``, or None when another run has the job or it is finished."""
    now = timezone.now()
    claimable = Q(status=ImportJobStatus.PENDING) | Q(
        status=ImportJobStatus.RUNNING, started_at__lt=now - _IMPORT_STALE_AFTER
    )
    claimed = ImportJob.objects.filter(claimable, pk=job_id).update(status=ImportJobStatus.RUNNING, started_at=now)
    return now if claimed == 1 else None


def import_job_run(*, job_id: int) -> bool:
    """Run one pending import job; True when this call finished it.

    The claim commits at once (the job page shows "being processed"; a duplicate message finds the
    job taken). The import runs with the importer's membership — their instansi and unit scope,
    checked again now — and in their language (the row errors are kept as text). The import and
    the job's result commit together, and only while this run still holds the claim: a run that
    was overtaken rolls its import back. Must run inside the job's instansi scope (the task opens it).
    """
    started_at = _import_job_claim(job_id)
    if started_at is None:
        return False
    job = ImportJob.objects.select_related("membership__user", "membership__unit", "requested_by").get(pk=job_id)
    actor = job.membership
    _capability, service = _IMPORTS[job.kind]
    language = (job.requested_by.language if job.requested_by else "") or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            with transaction.atomic():
                outcome = _import_job_import(job, actor, service)
                if not _import_job_finish(job, started_at, **outcome):
                    transaction.set_rollback(True)
                    return False
        except Exception as exc:  # any other failure ends in "failed", never in a job stuck "running"
            logger.exception("import job %s failed", job.public_id)
            with transaction.atomic():
                finished = _import_job_finish(
                    job, started_at, status=ImportJobStatus.FAILED, message=str(IMPORT_JOB_BROKEN)
                )
                if finished:
                    audit_record(actor=None, verb="import_job.fail", obj=job, after={"error": f"{type(exc).__name__}"})
            return finished
    return True


def _import_job_import(job: ImportJob, actor: Membership, service: Any) -> dict[str, Any]:
    """The import itself; a refusal or a file that cannot be read is a failed job, not an error."""
    if not actor.is_active or actor.instansi_id != job.instansi_id:
        return {"status": ImportJobStatus.FAILED, "message": str(IMPORT_JOB_NOT_ALLOWED)}
    with job.file.open("rb") as stored:
        content = stored.read()
    upload = SimpleUploadedFile(job.file_name, content)
    if hashlib.sha256(content).hexdigest() == job.sha256:
        mark_scanned_clean(upload, job.sha256)  # scanned at upload; a changed copy is scanned again
    try:
        result: ImportResult = service(actor=actor, file=upload, **job.params)
    except PermissionDeniedError:
        return {"status": ImportJobStatus.FAILED, "message": str(IMPORT_JOB_NOT_ALLOWED)}
    except ValidationError as exc:
        return {"status": ImportJobStatus.FAILED, "message": " ".join(exc.messages)}
    if not result.ok:
        errors = [{"row": e.row, "column": e.column, "message": e.message} for e in result.errors]
        return {"status": ImportJobStatus.FAILED, "total": result.total, "errors": errors}
    return {
        "status": ImportJobStatus.DONE,
        "total": result.total,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }


def _import_job_finish(job: ImportJob, started_at: datetime.datetime, **values: Any) -> bool:
    """Set the job's result, only while this run holds the claim (a stale run may have been overtaken)."""
    return (
        ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.RUNNING, started_at=started_at).update(
            finished_at=timezone.now(), **values
        )
        == 1
    )


def import_jobs_reconcile() -> int:
    """Beat: re-enqueue import jobs whose message was lost (``pending`` longer than two visibility
    timeouts) or whose worker died (``running`` past the stale bound). Returns how many."""
    from apps.tenancy.rls import all_tenants
    from apps.unit_kerja.tasks import run_import_job

    now = timezone.now()
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    lost = Q(status=ImportJobStatus.PENDING, created_at__lt=now - datetime.timedelta(seconds=2 * visibility))
    abandoned = Q(status=ImportJobStatus.RUNNING, started_at__lt=now - _IMPORT_STALE_AFTER)
    with all_tenants("the reconciler looks for unfinished imports in every instansi"):
        rows = list(ImportJob.unscoped.filter(lost | abandoned).values_list("instansi_id", "pk")[:1000])
    for instansi_id, pk in rows:
        run_import_job.delay(instansi_id=instansi_id, job_id=pk)
    if rows:
        logger.warning("reconciler: %s import job(s) enqueued again", len(rows))
    return len(rows)
