"""Writes of the diagnosis and the tim kerja ZI.

Keyword-only, typed, one transaction each, every rule checked before anything is written
(``ValidationError`` by field, or a ``DomainError``), and an audit event per write. The unit side
writes with ``Cap.PENDAMPINGAN_EDIT`` on a unit in the actor's reach.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.bukti_dukung.services import bukti_dukung_upload
from apps.core.concurrency import save_or_conflict, version_check
from apps.core.errors import DomainError, PermissionDeniedError
from apps.pendampingan.models import (
    LEAD_ROLES,
    POKJA_ROLES,
    AgenPerubahan,
    AnggotaTim,
    Diagnosis,
    IsuStrategis,
    LayananUtama,
    Peran,
    Perubahan,
    Risiko,
    RisikoJenis,
    TimKerja,
)
from apps.rencana_aksi.models import Area
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Cycle, Pegawai, UnitKerja

NOT_YOUR_UNIT = _("This unit is outside your unit kerja.")
REQUIRED = _("This field is required.")
ONE_TO_FIVE = _("Use a value from 1 to 5.")
VOLUME_NEGATIVE = _("The yearly volume cannot be negative.")
AREA_INVALID = _("Choose one of the six areas perubahan.")
KIND_INVALID = _("Choose a corruption risk or a service risk.")
OWNER_REQUIRED = _("Every risk needs an owner: choose a pegawai of the unit.")
OWNER_OTHER_UNIT = _("The risk owner must be a pegawai of %(unit)s.")
PEGAWAI_INACTIVE = _("This pegawai is no longer active.")
MEMBER_OTHER_UNIT = _("Only pegawai of %(unit)s can join its tim kerja.")
POKJA_NEEDS_AREA = _("A pokja coordinator or member needs the area perubahan of the pokja.")
LEAD_HAS_NO_AREA = _("The penanggung jawab, ketua and sekretaris lead the whole team: leave the area empty.")
ROLE_INVALID = _("Choose a role in the team.")
NOT_DELETED = _("This entry is not deleted.")
MEMBER_EXISTS = _("This pegawai already has this role in the team.")
ROLE_TAKEN = _("The team already has its %(role)s; remove them first.")
COORDINATOR_TAKEN = _("This pokja already has a coordinator; remove them first.")
AGENT_EXISTS = _("This pegawai is already a change agent.")
AGENT_REMOVED = _("The change agent of this change was removed; bring the agent back first.")
AGENT_OTHER_UNIT = _("A change agent must be a pegawai of %(unit)s.")
DATE_OUTSIDE_YEAR = _("The date must fall within %(tahun)s.")
SK_FILE_REQUIRED = _("Upload the SK file (PDF or image).")


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


def require_unit_edit(actor: Membership, unit: UnitKerja) -> None:
    """Cap.PENDAMPINGAN_EDIT on a unit of the actor's instansi and reach."""
    if actor.instansi_id is None or actor.instansi_id != unit.instansi_id or not actor.can(Cap.PENDAMPINGAN_EDIT):
        raise PermissionDeniedError
    if actor.is_unit_narrowed and actor.unit is not None and not unit.path.startswith(actor.unit.path):
        raise PermissionDeniedError(NOT_YOUR_UNIT)


def _audit(actor: Membership, verb: str, obj: Any, *, before: dict[str, Any] | None = None, **after: Any) -> None:
    """One audit row with the values before and after (issue 18): ``before`` None for an addition,
    no ``after`` for a removal."""
    audit_record(actor=actor.user, verb=verb, obj=obj, before=before or None, after=after or None)


def _raise(errors: dict[str, list[Any]]) -> None:
    if errors:
        raise ValidationError({k: [ValidationError(str(m)) for m in v] for k, v in errors.items()})


def _text(errors: dict[str, list[Any]], name: str, value: str | None, limit: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        errors.setdefault(name, []).append(REQUIRED)
    elif limit is not None and len(value) > limit:
        errors.setdefault(name, []).append(_("At most %(limit)s characters.") % {"limit": limit})
    return value


def _scale(errors: dict[str, list[Any]], name: str, value: int | None) -> None:
    if value is None or not 1 <= int(value) <= 5:
        errors.setdefault(name, []).append(ONE_TO_FIVE)


def _area(errors: dict[str, list[Any]], value: int | None) -> None:
    if value is not None and value not in Area.values:
        errors.setdefault("area", []).append(AREA_INVALID)


def _pegawai_of_unit(
    errors: dict[str, list[Any]], name: str, pegawai: Pegawai | None, unit: UnitKerja, message: Any
) -> None:
    if pegawai is None:
        return
    if pegawai.instansi_id != unit.instansi_id or pegawai.unit_id != unit.pk:
        errors.setdefault(name, []).append(message % {"unit": unit.name})
    elif not pegawai.is_active:
        errors.setdefault(name, []).append(PEGAWAI_INACTIVE)


# -----------------------------------------------------------------------------
# Diagnosis
# -----------------------------------------------------------------------------


@transaction.atomic
def diagnosis_get_or_create(*, actor: Membership, unit: UnitKerja, cycle: Cycle) -> Diagnosis:
    require_unit_edit(actor, unit)
    if cycle.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    diagnosis, created = Diagnosis.objects.get_or_create(instansi_id=unit.instansi_id, unit=unit, cycle=cycle)
    if created:
        _audit(actor, "diagnosis.create", diagnosis, unit=unit.code, tahun=cycle.tahun)
    return diagnosis


@transaction.atomic
def diagnosis_summary_set(*, actor: Membership, diagnosis: Diagnosis, summary: str) -> Diagnosis:
    require_unit_edit(actor, diagnosis.unit)
    before = {"summary": diagnosis.summary[:200]}
    diagnosis.summary = (summary or "").strip()
    diagnosis.save(update_fields=["summary", "updated_at"])
    _audit(actor, "diagnosis.summary", diagnosis, before=before, summary=diagnosis.summary[:200])
    return diagnosis


@transaction.atomic
def layanan_add(
    *, actor: Membership, diagnosis: Diagnosis, name: str, volume: int | None, description: str = ""
) -> LayananUtama:
    require_unit_edit(actor, diagnosis.unit)
    errors: dict[str, list[Any]] = {}
    name = _text(errors, "name", name, 200)
    if volume is None:
        errors.setdefault("volume", []).append(REQUIRED)
    elif volume < 0:
        errors.setdefault("volume", []).append(VOLUME_NEGATIVE)
    _raise(errors)
    layanan = LayananUtama.objects.create(
        instansi_id=diagnosis.instansi_id,
        diagnosis=diagnosis,
        name=name,
        volume=volume,
        description=(description or "").strip(),
    )
    _audit(actor, "diagnosis.layanan_add", diagnosis, name=name, volume=volume)
    return layanan


@transaction.atomic
def layanan_delete(*, actor: Membership, layanan: LayananUtama) -> None:
    """Soft: the service leaves every page and can be restored (``layanan_restore``)."""
    require_unit_edit(actor, layanan.diagnosis.unit)
    _soft_delete(layanan, actor)
    _audit(
        actor, "diagnosis.layanan_delete", layanan.diagnosis, before={"name": layanan.name, "volume": layanan.volume}
    )


@transaction.atomic
def layanan_restore(*, actor: Membership, layanan: LayananUtama) -> LayananUtama:
    require_unit_edit(actor, layanan.diagnosis.unit)
    _soft_restore(layanan)
    _audit(actor, "diagnosis.layanan_restore", layanan.diagnosis, name=layanan.name, layanan=str(layanan.public_id))
    return layanan


@transaction.atomic
def isu_add(
    *,
    actor: Membership,
    diagnosis: Diagnosis,
    title: str,
    urgency: int | None,
    impact: int | None,
    area: int | None = None,
    description: str = "",
) -> IsuStrategis:
    require_unit_edit(actor, diagnosis.unit)
    errors: dict[str, list[Any]] = {}
    title = _text(errors, "title", title, 300)
    _scale(errors, "urgency", urgency)
    _scale(errors, "impact", impact)
    _area(errors, area)
    _raise(errors)
    isu = IsuStrategis.objects.create(
        instansi_id=diagnosis.instansi_id,
        diagnosis=diagnosis,
        title=title,
        description=(description or "").strip(),
        area=area,
        urgency=urgency,
        impact=impact,
    )
    _audit(actor, "diagnosis.isu_add", diagnosis, title=title, score=isu.score)
    return isu


@transaction.atomic
def isu_delete(*, actor: Membership, isu: IsuStrategis) -> None:
    """Soft: the issue leaves every page and can be restored (``isu_restore``)."""
    require_unit_edit(actor, isu.diagnosis.unit)
    _soft_delete(isu, actor)
    _audit(actor, "diagnosis.isu_delete", isu.diagnosis, before={"title": isu.title, "score": isu.score})


@transaction.atomic
def isu_restore(*, actor: Membership, isu: IsuStrategis) -> IsuStrategis:
    require_unit_edit(actor, isu.diagnosis.unit)
    _soft_restore(isu)
    _audit(actor, "diagnosis.isu_restore", isu.diagnosis, title=isu.title, isu=str(isu.public_id))
    return isu


def _soft_delete(row: Any, actor: Membership) -> None:
    row.deleted_at = timezone.now()
    row.deleted_by = actor.user
    row.save(update_fields=["deleted_at", "deleted_by"])


def _soft_restore(row: Any) -> None:
    if row.deleted_at is None:
        raise DomainError(NOT_DELETED, code="not_deleted")
    row.deleted_at = None
    row.deleted_by = None
    row.save(update_fields=["deleted_at", "deleted_by"])


@dataclass
class RisikoData:
    jenis: str
    title: str
    cause: str
    likelihood: int | None
    impact: int | None
    owner: Pegawai | None
    mitigation: str = ""
    area: int | None = None


def risiko_errors(diagnosis: Diagnosis, data: RisikoData) -> dict[str, list[Any]]:
    errors: dict[str, list[Any]] = {}
    if data.jenis not in RisikoJenis.values:
        errors.setdefault("jenis", []).append(KIND_INVALID)
    _text(errors, "title", data.title, 300)
    _text(errors, "cause", data.cause)
    _scale(errors, "likelihood", data.likelihood)
    _scale(errors, "impact", data.impact)
    _area(errors, data.area)
    if data.owner is None:
        errors.setdefault("owner", []).append(OWNER_REQUIRED)
    _pegawai_of_unit(errors, "owner", data.owner, diagnosis.unit, OWNER_OTHER_UNIT)
    return errors


@transaction.atomic
def risiko_save(
    *,
    actor: Membership,
    diagnosis: Diagnosis,
    data: RisikoData,
    risiko: Risiko | None = None,
    version: int | None = None,
) -> Risiko:
    """Record a risk (or change one). A risk without an owner of the unit is refused: nothing saved.
    ``version``: the one the form was built from; a save in between is a ``VersionConflict``."""
    require_unit_edit(actor, diagnosis.unit)
    if risiko is not None and risiko.diagnosis_id != diagnosis.pk:
        raise PermissionDeniedError
    _raise(risiko_errors(diagnosis, data))
    created = risiko is None
    if risiko is None:
        risiko = Risiko(instansi_id=diagnosis.instansi_id, diagnosis=diagnosis)
    else:
        risiko = Risiko.objects.select_for_update().get(pk=risiko.pk)
        version_check(risiko, version)
    before = (
        None
        if created
        else {"title": risiko.title, "score": risiko.score, "owner": risiko.owner.nip if risiko.owner_id else None}
    )
    risiko.jenis = data.jenis
    risiko.title = data.title.strip()
    risiko.cause = data.cause.strip()
    risiko.likelihood = int(data.likelihood)  # type: ignore[arg-type]
    risiko.impact = int(data.impact)  # type: ignore[arg-type]
    risiko.owner = data.owner  # type: ignore[assignment]
    risiko.mitigation = (data.mitigation or "").strip()
    risiko.area = data.area
    save_or_conflict(risiko)
    _audit(
        actor,
        "diagnosis.risiko_create" if created else "diagnosis.risiko_update",
        risiko,
        before=before,
        title=risiko.title,
        score=risiko.score,
        owner=risiko.owner.nip,
    )
    return risiko


@transaction.atomic
def risiko_delete(*, actor: Membership, risiko: Risiko) -> None:
    """Soft: the risk leaves the register and can be restored (``risiko_restore``); a kegiatan that
    answered it keeps its link."""
    require_unit_edit(actor, risiko.diagnosis.unit)
    _soft_delete(risiko, actor)
    _audit(actor, "diagnosis.risiko_delete", risiko.diagnosis, before={"title": risiko.title, "score": risiko.score})


@transaction.atomic
def risiko_restore(*, actor: Membership, risiko: Risiko) -> Risiko:
    require_unit_edit(actor, risiko.diagnosis.unit)
    _soft_restore(risiko)
    _audit(actor, "diagnosis.risiko_restore", risiko.diagnosis, title=risiko.title, risiko=str(risiko.public_id))
    return risiko


# -----------------------------------------------------------------------------
# Tim kerja ZI
# -----------------------------------------------------------------------------


@transaction.atomic
def tim_kerja_get_or_create(*, actor: Membership, unit: UnitKerja, cycle: Cycle) -> TimKerja:
    require_unit_edit(actor, unit)
    if cycle.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    tim, created = TimKerja.objects.get_or_create(instansi_id=unit.instansi_id, unit=unit, cycle=cycle)
    if created:
        _audit(actor, "tim_kerja.create", tim, unit=unit.code, tahun=cycle.tahun)
    return tim


@transaction.atomic
def tim_kerja_sk_set(
    *,
    actor: Membership,
    tim: TimKerja,
    sk_number: str,
    sk_date: datetime.date | None,
    file: UploadedFile | None,
) -> TimKerja:
    """The team's decree: number, date and the signed file (stored in the evidence store; a new
    file replaces the old one as a new revision there)."""
    require_unit_edit(actor, tim.unit)
    errors: dict[str, list[Any]] = {}
    sk_number = _text(errors, "sk_number", sk_number, 100)
    if sk_date is None:
        errors.setdefault("sk_date", []).append(REQUIRED)
    if file is None and tim.sk_file_id is None:
        errors.setdefault("file", []).append(SK_FILE_REQUIRED)
    _raise(errors)
    tim = TimKerja.objects.select_for_update().get(pk=tim.pk)
    before = {
        "sk_number": tim.sk_number,
        "sk_date": tim.sk_date,
        "file": tim.sk_file.public_id if tim.sk_file_id else None,
    }
    if file is not None:
        try:
            bukti = bukti_dukung_upload(
                actor=actor, file=file, description=f"SK tim kerja ZI {sk_number}", replaces=tim.sk_file
            )
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
        tim.sk_file = bukti
    tim.sk_number = sk_number
    tim.sk_date = sk_date
    tim.save(update_fields=["sk_number", "sk_date", "sk_file", "updated_at"])
    _audit(actor, "tim_kerja.sk", tim, before=before, sk_number=sk_number, sk_date=sk_date, file=tim.sk_file.public_id)
    return tim


@transaction.atomic
def anggota_add(
    *, actor: Membership, tim: TimKerja, pegawai: Pegawai | None, peran: str, area: int | None = None
) -> AnggotaTim:
    """Add a pegawai of the unit to the team. Another unit's pegawai is refused: nothing saved."""
    require_unit_edit(actor, tim.unit)
    tim = TimKerja.objects.select_for_update().select_related("unit").get(pk=tim.pk)
    errors: dict[str, list[Any]] = {}
    if pegawai is None:
        errors.setdefault("pegawai", []).append(REQUIRED)
    _pegawai_of_unit(errors, "pegawai", pegawai, tim.unit, MEMBER_OTHER_UNIT)
    if peran not in Peran.values:
        errors.setdefault("peran", []).append(ROLE_INVALID)
    elif peran in POKJA_ROLES and area is None:
        errors.setdefault("area", []).append(POKJA_NEEDS_AREA)
    elif peran in LEAD_ROLES and area is not None:
        errors.setdefault("area", []).append(LEAD_HAS_NO_AREA)
    _area(errors, area)
    _raise(errors)
    rows = AnggotaTim.objects.filter(instansi_id=tim.instansi_id, tim=tim)
    if rows.filter(pegawai=pegawai, peran=peran, area=area).exists():
        raise ValidationError({"pegawai": [ValidationError(MEMBER_EXISTS)]})
    if peran in {Peran.PENANGGUNG_JAWAB, Peran.KETUA} and rows.filter(peran=peran).exists():
        raise ValidationError({"peran": [ValidationError(ROLE_TAKEN % {"role": Peran(peran).label})]})
    if peran == Peran.KOORDINATOR and rows.filter(peran=peran, area=area).exists():
        raise ValidationError({"peran": [ValidationError(COORDINATOR_TAKEN)]})
    try:
        with transaction.atomic():
            anggota = AnggotaTim.objects.create(
                instansi_id=tim.instansi_id, tim=tim, pegawai=pegawai, peran=peran, area=area
            )
    except IntegrityError as exc:  # a concurrent add of the same role
        raise DomainError(MEMBER_EXISTS) from exc
    _audit(actor, "tim_kerja.anggota_add", tim, nip=pegawai.nip, peran=peran, area=area)  # type: ignore[union-attr]
    return anggota


@transaction.atomic
def anggota_remove(*, actor: Membership, anggota: AnggotaTim) -> None:
    """Soft: the member leaves the team (and the rights it gave) and can be brought back
    (``anggota_restore``)."""
    require_unit_edit(actor, anggota.tim.unit)
    _soft_delete(anggota, actor)
    _audit(
        actor,
        "tim_kerja.anggota_remove",
        anggota.tim,
        before={"nip": anggota.pegawai.nip, "peran": anggota.peran, "area": anggota.area},
    )


@transaction.atomic
def anggota_restore(*, actor: Membership, anggota: AnggotaTim) -> AnggotaTim:
    """Bring a removed member back, unless the seat was filled meanwhile (the rules of
    ``anggota_add`` hold again: one penanggung jawab, one ketua, one coordinator per pokja)."""
    require_unit_edit(actor, anggota.tim.unit)
    tim = TimKerja.objects.select_for_update().get(pk=anggota.tim_id)
    if not anggota.pegawai.is_active:
        raise DomainError(PEGAWAI_INACTIVE, code="inactive")
    rows = AnggotaTim.objects.filter(instansi_id=tim.instansi_id, tim=tim)
    if rows.filter(pegawai=anggota.pegawai, peran=anggota.peran, area=anggota.area).exists():
        raise DomainError(MEMBER_EXISTS, code="exists")
    if anggota.peran in {Peran.PENANGGUNG_JAWAB, Peran.KETUA} and rows.filter(peran=anggota.peran).exists():
        raise DomainError(ROLE_TAKEN % {"role": Peran(anggota.peran).label}, code="taken")
    if anggota.peran == Peran.KOORDINATOR and rows.filter(peran=anggota.peran, area=anggota.area).exists():
        raise DomainError(COORDINATOR_TAKEN, code="taken")
    try:
        with transaction.atomic():
            _soft_restore(anggota)
    except IntegrityError as exc:  # a concurrent add of the same seat
        raise DomainError(MEMBER_EXISTS, code="exists") from exc
    _audit(actor, "tim_kerja.anggota_restore", tim, nip=anggota.pegawai.nip, peran=anggota.peran, area=anggota.area)
    return anggota


@transaction.atomic
def agen_add(*, actor: Membership, tim: TimKerja, pegawai: Pegawai | None) -> AgenPerubahan:
    require_unit_edit(actor, tim.unit)
    errors: dict[str, list[Any]] = {}
    if pegawai is None:
        errors.setdefault("pegawai", []).append(REQUIRED)
    _pegawai_of_unit(errors, "pegawai", pegawai, tim.unit, AGENT_OTHER_UNIT)
    _raise(errors)
    if AgenPerubahan.objects.filter(instansi_id=tim.instansi_id, tim=tim, pegawai=pegawai).exists():
        raise ValidationError({"pegawai": [ValidationError(AGENT_EXISTS)]})
    agen = AgenPerubahan.objects.create(instansi_id=tim.instansi_id, tim=tim, pegawai=pegawai)
    _audit(actor, "tim_kerja.agen_add", tim, nip=pegawai.nip)  # type: ignore[union-attr]
    return agen


@transaction.atomic
def agen_remove(*, actor: Membership, agen: AgenPerubahan) -> None:
    """Soft: the agent and the changes they recorded leave the page and the LKE suggestions; they
    come back together (``agen_restore``)."""
    require_unit_edit(actor, agen.tim.unit)
    _soft_delete(agen, actor)
    _audit(actor, "tim_kerja.agen_remove", agen.tim, before={"nip": agen.pegawai.nip})


@transaction.atomic
def agen_restore(*, actor: Membership, agen: AgenPerubahan) -> AgenPerubahan:
    require_unit_edit(actor, agen.tim.unit)
    if AgenPerubahan.objects.filter(instansi_id=agen.instansi_id, tim_id=agen.tim_id, pegawai=agen.pegawai).exists():
        raise DomainError(AGENT_EXISTS, code="exists")  # named again meanwhile
    try:
        with transaction.atomic():
            _soft_restore(agen)
    except IntegrityError as exc:
        raise DomainError(AGENT_EXISTS, code="exists") from exc
    _audit(actor, "tim_kerja.agen_restore", agen.tim, nip=agen.pegawai.nip)
    return agen


@transaction.atomic
def perubahan_add(
    *,
    actor: Membership,
    agen: AgenPerubahan,
    title: str,
    date: datetime.date | None,
    description: str = "",
    integrated: bool = False,
) -> Perubahan:
    require_unit_edit(actor, agen.tim.unit)
    errors: dict[str, list[Any]] = {}
    title = _text(errors, "title", title, 300)
    tahun = agen.tim.cycle.tahun
    if date is None:
        errors.setdefault("date", []).append(REQUIRED)
    elif date.year != tahun:
        errors.setdefault("date", []).append(DATE_OUTSIDE_YEAR % {"tahun": tahun})
    _raise(errors)
    perubahan = Perubahan.objects.create(
        instansi_id=agen.instansi_id,
        agen=agen,
        title=title,
        description=(description or "").strip(),
        date=date,
        integrated=integrated,
    )
    _audit(actor, "tim_kerja.perubahan_add", agen.tim, nip=agen.pegawai.nip, title=title, integrated=integrated)
    return perubahan


@transaction.atomic
def perubahan_delete(*, actor: Membership, perubahan: Perubahan) -> None:
    require_unit_edit(actor, perubahan.agen.tim.unit)
    _audit(
        actor,
        "tim_kerja.perubahan_delete",
        perubahan.agen.tim,
        before={"nip": perubahan.agen.pegawai.nip, "title": perubahan.title, "integrated": perubahan.integrated},
    )
    _soft_delete(perubahan, actor)


@transaction.atomic
def perubahan_restore(*, actor: Membership, perubahan: Perubahan) -> Perubahan:
    require_unit_edit(actor, perubahan.agen.tim.unit)
    if perubahan.agen.deleted_at is not None:
        raise DomainError(AGENT_REMOVED, code="agent_removed")
    _soft_restore(perubahan)
    _audit(
        actor,
        "tim_kerja.perubahan_restore",
        perubahan.agen.tim,
        nip=perubahan.agen.pegawai.nip,
        title=perubahan.title,
        integrated=perubahan.integrated,
    )
    return perubahan
