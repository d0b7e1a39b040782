"""Writes of the yearly cycle (its windows) and of penetapan (the units proposed and designated by SK)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import audit
from apps.audit.services import audit_record, changes_to_before_after, snapshot
from apps.bukti_dukung.models import FileKind
from apps.bukti_dukung.services import bukti_dukung_upload, validate_upload
from apps.core.errors import ConflictError, TransitionNotAllowed, WindowClosed
from apps.core.services import model_update
from apps.tenancy.models import Instansi, InstansiKind, Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import (
    AfirmasiType,
    Cycle,
    Penetapan,
    PenetapanStatus,
    UnitKerja,
)
from apps.unit_kerja.services.common import (
    UNIT_INACTIVE,
    UNIT_PARENT_NOT_FOUND,
    actor_instansi,
    actor_instansi_id,
    field_error,
    guarded_own,
    insert_unique,
    require_capability,
    require_reach,
)
from apps.unit_kerja.workflows import PENETAPAN

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
    require_capability(actor, Cap.CYCLE_MANAGE)
    instansi_id = actor_instansi_id(actor)
    unknown = set(windows) - set(CYCLE_DATE_FIELDS)
    if unknown:
        raise TypeError(f"cycle_open() got unexpected windows {sorted(unknown)}")
    if not TAHUN_LOW <= tahun <= TAHUN_HIGH:
        raise field_error("tahun", CYCLE_TAHUN_RANGE, "tahun_range", low=TAHUN_LOW, high=TAHUN_HIGH)
    if Cycle.objects.filter(instansi_id=instansi_id, tahun=tahun).exists():
        raise field_error("tahun", CYCLE_TAHUN_TAKEN, "tahun_taken")
    dates = {**cycle_defaults(tahun), **{k: v for k, v in windows.items() if v is not None}}
    cycle_validate_windows(tahun=tahun, dates=dates)
    cycle = Cycle(instansi_id=instansi_id, tahun=tahun, **dates)
    cycle.full_clean()
    insert_unique(cycle, field_name="tahun", message=CYCLE_TAHUN_TAKEN, code="tahun_taken")
    audit_record(actor=actor.user, verb="cycle.open", obj=cycle, after=snapshot(cycle, CYCLE_AUDIT_FIELDS))
    return cycle


@transaction.atomic
def cycle_update(*, actor: Membership, cycle: Cycle, data: Mapping[str, Any]) -> Cycle:
    """Change a year's windows or close/reopen it (``is_open``). The year itself never changes."""
    require_capability(actor, Cap.CYCLE_MANAGE)
    write = guarded_own(actor, cycle, version=data.get("version"))
    cycle = write.row
    dates = {name: data.get(name, getattr(cycle, name)) for name in CYCLE_DATE_FIELDS}
    cycle_validate_windows(tahun=cycle.tahun, dates=dates)
    values: dict[str, Any] = dict(dates)
    if "is_open" in data:
        values["is_open"] = bool(data["is_open"])
    cycle, changes = model_update(instance=cycle, fields=[*CYCLE_DATE_FIELDS, "is_open"], data=values)
    if changes:
        before, after = changes_to_before_after(changes)
        write.audit("cycle.update", before=before, **after)
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
    require_capability(actor, Cap.PENETAPAN_MANAGE)
    instansi_id = actor_instansi_id(actor)
    require_reach(actor, unit, field_name="unit")
    if cycle.instansi_id != instansi_id:
        raise field_error("cycle", UNIT_PARENT_NOT_FOUND, "not_found")
    _require_cycle_open(cycle)
    if not unit.is_active:
        raise field_error("unit", UNIT_INACTIVE, "unit_inactive")
    criteria = _clean_criteria(
        instansi=actor_instansi(actor),
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
    if Penetapan.objects.filter(instansi_id=instansi_id, cycle=cycle, unit=unit).exists():
        raise field_error("unit", PENETAPAN_DUPLICATE, "penetapan_duplicate")
    penetapan = Penetapan(instansi_id=instansi_id, unit=unit, cycle=cycle, **criteria)
    penetapan.full_clean()
    insert_unique(penetapan, field_name="unit", message=PENETAPAN_DUPLICATE, code="penetapan_duplicate")
    audit_record(
        actor=actor.user, verb="penetapan.create", obj=penetapan, after=snapshot(penetapan, PENETAPAN_AUDIT_FIELDS)
    )
    return penetapan


def _lock_penetapan(actor: Membership, penetapan: Penetapan, version: int) -> Penetapan:
    """Re-read under a row lock and compare the version the form was built from (optimistic lock)."""
    # Its own conflict message (the form says what to do), not guarded()'s generic version check.
    write = guarded_own(actor, penetapan, related=("cycle", "unit", "sk_file"))
    if write.row.version != version:
        raise ConflictError(PENETAPAN_CONFLICT, code="conflict")
    return write.row


@transaction.atomic
def penetapan_update(*, actor: Membership, penetapan: Penetapan, version: int, data: Mapping[str, Any]) -> Penetapan:
    """Change the criteria, justifications or afirmasi of a proposed penetapan.

    ``version`` is the one the form showed; if the row changed since, ``ConflictError`` and
    nothing is saved. A designated penetapan (SK issued) keeps its criteria.
    """
    require_capability(actor, Cap.PENETAPAN_MANAGE)
    require_reach(actor, penetapan.unit)
    penetapan = _lock_penetapan(actor, penetapan, version)
    _require_cycle_open(penetapan.cycle)
    if penetapan.status == PenetapanStatus.DESIGNATED:
        raise TransitionNotAllowed(PENETAPAN_DESIGNATED_LOCKED)
    merged = {name: data.get(name, getattr(penetapan, name)) for name in PENETAPAN_EDIT_FIELDS}
    criteria = _clean_criteria(instansi=actor_instansi(actor), values=merged)
    before = snapshot(penetapan, PENETAPAN_EDIT_FIELDS)
    for name, value in criteria.items():
        setattr(penetapan, name, value)
    after = snapshot(penetapan, PENETAPAN_EDIT_FIELDS)
    if before == after:
        return penetapan
    penetapan.version += 1
    penetapan.full_clean()
    penetapan.save(update_fields=[*PENETAPAN_EDIT_FIELDS, "version", "updated_at"])
    audit(
        actor,
        "penetapan.update",
        penetapan,
        before={k: v for k, v in before.items() if after[k] != v},
        **{k: v for k, v in after.items() if before[k] != v},
        version=penetapan.version,
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
    sk_file: UploadedFile[Any] | None,
) -> Penetapan:
    """Designate the unit for the year by SK: number, date and the signed file (PDF or scan).

    The SK date is not in the future and falls in the cycle's year or the year before. The file
    is stored through ``bukti_dukung_upload``; re-designating (a corrected SK) keeps the old file
    unless a new one is given, which then *replaces* it. Optimistic lock on ``version``. Audited.
    """
    require_capability(actor, Cap.PENETAPAN_MANAGE)
    require_reach(actor, penetapan.unit)
    penetapan = _lock_penetapan(actor, penetapan, version)
    _require_cycle_open(penetapan.cycle)
    sk_number = sk_number.strip()
    _validate_sk(cycle=penetapan.cycle, sk_number=sk_number, sk_date=sk_date)
    if sk_file is None and penetapan.sk_file is None:
        raise field_error("sk_file", PENETAPAN_SK_FILE_REQUIRED, "required")
    if sk_file is not None:
        try:
            kind, _sha, _size = validate_upload(sk_file, actor=actor)
        except ValidationError as exc:
            raise ValidationError({"sk_file": exc.error_list}) from exc
        if kind not in SK_FILE_KINDS:
            raise field_error("sk_file", PENETAPAN_SK_FILE_KIND, "sk_file_kind")
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
    audit(
        actor,
        "penetapan.designate",
        penetapan,
        before={k: v for k, v in before.items() if after[k] != v},
        **{k: v for k, v in after.items() if before[k] != v},
    )
    return penetapan
