"""Imports of units and the roster (CSV / XLSX): validate every row, then write all or nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import CharField, Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
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
    NOT_PERMITTED,
    actor_instansi,
    actor_instansi_id,
    actor_reaches_unit,
    lock_instansi,
    require_capability,
)
from apps.unit_kerja.services.units import insert_unit, move_unit
from apps.unit_kerja.tabular import Row, cell_text, read_table
from apps.unit_kerja.validators import normalize_nip, validate_nip

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


def _max_length(model: type[Model], name: str, default: int) -> int:
    field = model._meta.get_field(name)
    return (field.max_length or default) if isinstance(field, CharField) else default


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
def unit_kerja_import(*, actor: Membership, file: UploadedFile[Any]) -> ImportResult:
    """Import units from CSV/XLSX (columns kode, nama, kode_induk, jenis, alamat).

    Upserts by ``kode``. ``kode_induk`` may name another row of the file or a registered unit; a
    blank one puts the unit at the top. A column that is present overwrites (even when blank), an
    absent column keeps what is registered. Every row is checked first; with any error nothing is
    written. One audit event summarises the counts. Raises ``ValidationError({"file": ...})``
    for a file that cannot be read at all.
    """
    require_capability(actor, Cap.UNIT_MANAGE)
    instansi_id = actor_instansi_id(actor)
    if actor.is_unit_narrowed:
        raise PermissionDeniedError(NOT_PERMITTED)
    rows = read_table(file, required=("kode", "nama"), optional=("kode_induk", "jenis", "alamat"))
    lock_instansi(instansi_id)
    result = ImportResult(total=len(rows))
    kinds = _kind_lookup()
    max_code = _max_length(UnitKerja, "code", 40)
    max_name = _max_length(UnitKerja, "name", 200)

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
    registered = {u.code: u for u in UnitKerja.objects.filter(instansi_id=instansi_id).select_related("parent")}
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
        obj=actor_instansi(actor),
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
    instansi_id = actor_instansi_id(actor)
    parent = registered.get(item.parent_code) if item.parent_code else None
    existing = registered.get(item.code)
    if existing is None:
        unit = UnitKerja(
            instansi_id=instansi_id,
            parent=parent,
            code=item.code,
            name=item.name,
            kind=item.kind or UnitKind.LAINNYA,
            address=item.address or "",
        )
        insert_unit(unit)
        registered[item.code] = unit
        result.created += 1
        return
    moved = False
    if item.parent_code is not None and existing.parent_id != (parent.pk if parent else None):
        move_unit(existing, parent)
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
def pegawai_import(*, actor: Membership, file: UploadedFile[Any]) -> ImportResult:
    """Import the roster from CSV/XLSX (columns nip, nama, jabatan, pangkat, email, kode_unit).

    Upserts by NIP; an imported pegawai is active (someone who left and is listed again returns).
    A unit-narrowed member may import only into, and only update pegawai of, their own subtree.
    Every row is checked first; with any error nothing is written. One audit event summarises the
    counts. Raises ``ValidationError({"file": ...})`` for a file that cannot be read at all.
    """
    require_capability(actor, Cap.PEGAWAI_MANAGE)
    instansi_id = actor_instansi_id(actor)
    rows = read_table(file, required=("nip", "nama", "kode_unit"), optional=("jabatan", "pangkat", "email"))
    lock_instansi(instansi_id)
    result = ImportResult(total=len(rows))
    limits = {name: _max_length(Pegawai, name, 200) for name in ("name", "position", "rank", "email")}
    unit_codes = {cell_text(r.values.get("kode_unit")) for r in rows} - {""}
    units = {u.code: u for u in UnitKerja.objects.filter(instansi_id=instansi_id, code__in=unit_codes)}
    nips_raw = {normalize_nip(cell_text(r.values.get("nip"))) for r in rows}
    existing = {
        p.nip: p
        for p in Pegawai.objects.filter(instansi_id=instansi_id, nip__in=nips_raw - {""}).select_related("unit")
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
            to_create.append(Pegawai(instansi_id=instansi_id, nip=item.nip, **values))
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
                UnitKerja.objects.filter(instansi_id=instansi_id, head_id__in=moved_ids).update(
                    head=None, updated_at=now
                )
    except IntegrityError:
        result.add(1, "", IMPORT_RACE)
        return result
    result.created, result.updated = len(to_create), len(to_update)
    audit_record(
        actor=actor.user,
        verb="pegawai.import",
        obj=actor_instansi(actor),
        after={
            "file": file.name,
            "rows": result.total,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
    )
    return result
