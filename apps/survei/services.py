"""Survei writes: services of a unit, survey periods (open ⇄ closed), and the public answer.

Staff writes are atomic and audited. ``respons_submit`` is the public write: it checks everything
before writing one row, so a refused answer stores nothing; the unique device constraint makes a
replay or a second answer from the same device fail even when two requests race. Single answers
are not audited one by one (they are anonymous; the row itself is the record).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import audit, guarded, require
from apps.audit.services import snapshot
from apps.core.errors import DomainError, PermissionDeniedError, TransitionNotAllowed
from apps.reports.services import report_request
from apps.survei.indices import Konversi
from apps.survei.instrument import ALL_CODES, SCALE_MAX, SCALE_MIN, JenisKelamin, Pekerjaan, Pendidikan, Usia
from apps.survei.models import Layanan, Respons, Survei, SurveiStatus
from apps.survei.reports import SURVEI_HASIL, SURVEI_POSTER
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import UnitKerja
from apps.unit_kerja.selectors import subtree_path

NAME_REQUIRED = _("Give the name of the service.")
LAYANAN_EXISTS = _("This unit already has a service with this name.")
UNIT_OUTSIDE = _("You may only manage the surveys of your own unit.")
LABEL_REQUIRED = _("Give the period, e.g. Semester I.")
PERIOD_EXISTS = _("This unit already has a survey with this period for this year.")
DATES_ORDER = _("The survey must open before it closes.")
DATES_YEAR = _("The survey period must lie within %(tahun)s or the year before.")
BAD_KONVERSI = _("Choose a conversion to the LKE scale.")
ALREADY_CLOSED = _("This survey is already closed.")
ALREADY_OPEN = _("This survey is already open.")

# Public messages (shown to respondents).
NOT_OPEN = _("This survey is not open at the moment. Thank you for your interest.")
ALREADY_ANSWERED = _("This device has already answered the survey for this period. Thank you!")
ANSWER_MISSING = _("Please answer every statement (choose 1 to 6).")
ANSWER_RANGE = _("Every answer must be between 1 and 6.")
PROFILE_INVALID = _("Choose one of the options offered.")
WRONG_SERVICE = _("This service does not belong to the unit of this survey.")
NO_DEVICE = _("Your browser must accept cookies to answer this survey. Enable cookies and open the link again.")


class AlreadyAnswered(DomainError):
    code = "already_answered"
    default_message = ALREADY_ANSWERED


class SurveiNotOpen(DomainError):
    code = "survei_not_open"
    default_message = NOT_OPEN


def _require_manage(actor: Membership, unit: UnitKerja) -> int:
    """Refuse unless the actor manages the unit's surveys; returns their instansi id (typed: a
    national membership has none and is refused here)."""
    require(actor, Cap.SURVEI_MANAGE)
    if unit.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    prefix = subtree_path(actor)
    if prefix is not None and not unit.path.startswith(prefix):
        raise PermissionDeniedError(UNIT_OUTSIDE)
    return unit.instansi_id


# -----------------------------------------------------------------------------
# Services of a unit (each with its public link)
# -----------------------------------------------------------------------------


@transaction.atomic
def layanan_create(*, actor: Membership, unit: UnitKerja, name: str) -> Layanan:
    instansi_id = _require_manage(actor, unit)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": ValidationError(NAME_REQUIRED, code="required")})
    if Layanan.objects.filter(instansi_id=instansi_id, unit=unit, name__iexact=name).exists():
        raise ValidationError({"name": ValidationError(LAYANAN_EXISTS, code="unique")})
    layanan = Layanan(instansi_id=instansi_id, unit=unit, name=name[:150])
    layanan.full_clean(exclude=["instansi", "unit"])
    layanan.save()
    audit(actor, "survei.layanan_create", layanan, unit=unit, name=name)
    return layanan


@transaction.atomic
def layanan_set_active(*, actor: Membership, layanan: Layanan, is_active: bool) -> Layanan:
    """A service no longer offered stops accepting answers through its link (history is kept)."""
    write = guarded(actor, layanan, related=("unit",), fields=("is_active",))
    layanan = write.row
    _require_manage(actor, layanan.unit)
    if layanan.is_active == is_active:
        return layanan
    layanan.is_active = is_active
    layanan.save(update_fields=["is_active", "updated_at"])
    write.audit("survei.layanan_set_active")
    return layanan


# -----------------------------------------------------------------------------
# Survey periods
# -----------------------------------------------------------------------------


@transaction.atomic
def survei_create(
    *,
    actor: Membership,
    unit: UnitKerja,
    tahun: int,
    label: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    konversi: str = "",
) -> Survei:
    """Open a survey period for a unit. The period may start in the year before the LKE year (a
    survey of the second semester feeds next year's LKE) and must end by the end of the LKE year."""
    instansi_id = _require_manage(actor, unit)
    label = " ".join((label or "").split())
    errors: dict[str, Any] = {}
    if not label:
        errors["label"] = ValidationError(LABEL_REQUIRED, code="required")
    if opens_on > closes_on:
        errors["closes_on"] = ValidationError(DATES_ORDER, code="order")
    elif opens_on.year < tahun - 1 or closes_on.year > tahun:
        errors["opens_on"] = ValidationError(DATES_YEAR % {"tahun": tahun}, code="year")
    konversi = konversi or Konversi.LINEAR
    if konversi not in Konversi.values:
        errors["konversi"] = ValidationError(BAD_KONVERSI, code="invalid")
    if label and Survei.objects.filter(instansi_id=instansi_id, unit=unit, tahun=tahun, label__iexact=label).exists():
        errors["label"] = ValidationError(PERIOD_EXISTS, code="unique")
    if errors:
        raise ValidationError(errors)
    survei = Survei(
        instansi_id=instansi_id,
        unit=unit,
        tahun=tahun,
        label=label,
        opens_on=opens_on,
        closes_on=closes_on,
        konversi=konversi,
        created_by=actor.user,
    )
    survei.full_clean(exclude=["instansi", "unit", "created_by"])
    survei.save()
    audit(
        actor,
        "survei.create",
        survei,
        **snapshot(survei, ["unit", "tahun", "label", "opens_on", "closes_on", "konversi"]),
    )
    return survei


def _set_status(actor: Membership, survei: Survei, status: str, *, refusal: Any, verb: str) -> Survei:
    write = guarded(actor, survei, related=("unit",), fields=("status",))
    survei = write.row
    _require_manage(actor, survei.unit)
    if survei.status == status:
        raise TransitionNotAllowed(refusal)
    survei.status = status
    survei.save(update_fields=["status", "updated_at"])
    write.audit(verb)
    return survei


@transaction.atomic
def survei_close(*, actor: Membership, survei: Survei) -> Survei:
    return _set_status(actor, survei, SurveiStatus.CLOSED, refusal=ALREADY_CLOSED, verb="survei.close")


@transaction.atomic
def survei_reopen(*, actor: Membership, survei: Survei) -> Survei:
    return _set_status(actor, survei, SurveiStatus.OPEN, refusal=ALREADY_OPEN, verb="survei.reopen")


# -----------------------------------------------------------------------------
# The public answer
# -----------------------------------------------------------------------------


def device_hash(*, survei: Survei, device_id: str) -> str:
    """HMAC of the device token, salted per survey: the raw token is never stored, and two
    surveys' rows of the same device cannot be linked."""
    return salted_hmac("zi.survei.device", f"{survei.public_id}:{device_id}", algorithm="sha256").hexdigest()


def device_has_answered(*, survei: Survei, device_id: str) -> bool:
    return Respons.objects.filter(
        instansi_id=survei.instansi_id, survei=survei, device_hash=device_hash(survei=survei, device_id=device_id)
    ).exists()


_PROFILE = {"usia": Usia, "jenis_kelamin": JenisKelamin, "pendidikan": Pendidikan, "pekerjaan": Pekerjaan}


def _clean_answers(answers: Mapping[str, Any]) -> dict[str, int]:
    errors: dict[str, ValidationError] = {}
    cleaned: dict[str, int] = {}
    for code in ALL_CODES:
        raw = answers.get(code)
        if raw in (None, ""):
            errors[code] = ValidationError(ANSWER_MISSING, code="required")
            continue
        try:
            value = int(str(raw))
        except ValueError:
            errors[code] = ValidationError(ANSWER_RANGE, code="range")
            continue
        if not SCALE_MIN <= value <= SCALE_MAX:
            errors[code] = ValidationError(ANSWER_RANGE, code="range")
            continue
        cleaned[code] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_profile(profile: Mapping[str, Any]) -> dict[str, str]:
    cleaned: dict[str, str] = {}
    for field, choices in _PROFILE.items():
        value = str(profile.get(field) or "")
        if value and value not in choices.values:
            raise ValidationError({field: ValidationError(PROFILE_INVALID, code="invalid_choice")})
        cleaned[field] = value
    return cleaned


def respons_submit(
    *,
    survei: Survei,
    layanan: Layanan,
    device_id: str,
    answers: Mapping[str, Any],
    profile: Mapping[str, Any] | None = None,
    today: datetime.date | None = None,
) -> Respons:
    """Store one anonymous answer, or refuse and store nothing.

    Refusals: ``SurveiNotOpen`` (closed, or today outside the period), ``ValidationError`` (a
    statement missing or off the 1–6 scale, a profile value not offered, a service of another unit),
    ``AlreadyAnswered`` (this device answered this survey before — also a replayed request).
    """
    today = today or timezone.localdate()
    if survei.status != SurveiStatus.OPEN or not survei.opens_on <= today <= survei.closes_on:
        raise SurveiNotOpen
    if layanan.instansi_id != survei.instansi_id or layanan.unit_id != survei.unit_id or not layanan.is_active:
        raise ValidationError(WRONG_SERVICE, code="wrong_service")
    values = _clean_answers(answers)
    details = _clean_profile(profile or {})
    if not device_id:
        raise DomainError(NO_DEVICE, code="no_device")
    respons = Respons(
        instansi_id=survei.instansi_id,
        survei=survei,
        layanan=layanan,
        device_hash=device_hash(survei=survei, device_id=device_id),
        **values,
        **details,
    )
    try:
        with transaction.atomic():
            respons.save()
    except IntegrityError as exc:
        # The unique device constraint (a concurrent double submit or a replay) — the scale checks
        # cannot fire here, the values were checked above.
        raise AlreadyAnswered from exc
    return respons


# -----------------------------------------------------------------------------
# Reports and exports
# -----------------------------------------------------------------------------


def survei_report_request(*, actor: Membership, survei: Survei) -> Any:
    """Queue the results PDF (the evidence for the LKE's IPAK/IPKP soal)."""
    return report_request(actor=actor, kind=SURVEI_HASIL, params={"survei": str(survei.public_id)})


def layanan_poster_request(*, actor: Membership, layanan: Layanan) -> Any:
    """Queue the QR poster PDF of a service's link."""
    return report_request(actor=actor, kind=SURVEI_POSTER, params={"layanan": str(layanan.public_id)})


def survei_export_record(*, actor: Membership, survei: Survei, fmt: str) -> None:
    """Exports of the responses are audited (who took the data, when, in which format)."""
    audit(actor, "survei.export", survei, format=fmt)
