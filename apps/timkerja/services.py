"""Writes of the tim kerja ZI: the team of a unit's year, its SK, members (the pokja), change
agents and their changes.

Keyword-only, typed, one transaction each, every rule checked before anything is written
(``ValidationError`` by field, or a ``DomainError``), and an audit event per write. The unit side
writes with ``Cap.PENDAMPINGAN_EDIT`` on a unit in the actor's reach (``apps.timkerja.rules``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import audit, guarded, lock
from apps.bukti_dukung.services import bukti_dukung_upload
from apps.core.errors import DomainError, PermissionDeniedError
from apps.tenancy.models import Membership
from apps.timkerja.models import LEAD_ROLES, POKJA_ROLES, AgenPerubahan, AnggotaTim, Peran, Perubahan, TimKerja
from apps.timkerja.rules import (
    PEGAWAI_INACTIVE,
    REQUIRED,
    area_value,
    pegawai_of_unit,
    raise_errors,
    require_unit_edit,
    soft_delete,
    soft_restore,
    text_value,
)
from apps.unit_kerja.models import Cycle, Pegawai, UnitKerja

MEMBER_OTHER_UNIT = _("Only pegawai of %(unit)s can join its tim kerja.")
POKJA_NEEDS_AREA = _("A pokja coordinator or member needs the area perubahan of the pokja.")
LEAD_HAS_NO_AREA = _("The penanggung jawab, ketua and sekretaris lead the whole team: leave the area empty.")
ROLE_INVALID = _("Choose a role in the team.")
MEMBER_EXISTS = _("This pegawai already has this role in the team.")
ROLE_TAKEN = _("The team already has its %(role)s; remove them first.")
COORDINATOR_TAKEN = _("This pokja already has a coordinator; remove them first.")
AGENT_EXISTS = _("This pegawai is already a change agent.")
AGENT_REMOVED = _("The change agent of this change was removed; bring the agent back first.")
AGENT_OTHER_UNIT = _("A change agent must be a pegawai of %(unit)s.")
DATE_OUTSIDE_YEAR = _("The date must fall within %(tahun)s.")
SK_FILE_REQUIRED = _("Upload the SK file (PDF or image).")


@transaction.atomic
def tim_kerja_get_or_create(*, actor: Membership, unit: UnitKerja, cycle: Cycle) -> TimKerja:
    require_unit_edit(actor, unit)
    if cycle.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    tim, created = TimKerja.objects.get_or_create(instansi_id=unit.instansi_id, unit=unit, cycle=cycle)
    if created:
        audit(actor, "tim_kerja.create", tim, unit=unit.code, tahun=cycle.tahun)
    return tim


@transaction.atomic
def tim_kerja_sk_set(
    *,
    actor: Membership,
    tim: TimKerja,
    sk_number: str,
    sk_date: datetime.date | None,
    file: UploadedFile[Any] | None,
) -> TimKerja:
    """The team's decree: number, date and the signed file (stored in the evidence store; a new
    file replaces the old one as a new revision there)."""
    require_unit_edit(actor, tim.unit)
    errors: dict[str, list[Any]] = {}
    sk_number = text_value(errors, "sk_number", sk_number, 100)
    if sk_date is None:
        errors.setdefault("sk_date", []).append(REQUIRED)
    if file is None and tim.sk_file_id is None:
        errors.setdefault("file", []).append(SK_FILE_REQUIRED)
    raise_errors(errors)
    write = guarded(actor, tim)
    tim = write.row
    before = {
        "sk_number": tim.sk_number,
        "sk_date": tim.sk_date,
        "file": tim.sk_file.public_id if tim.sk_file is not None else None,
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
    sk_file = tim.sk_file
    assert sk_file is not None  # noqa: S101  (refused above without one: SK_FILE_REQUIRED)
    write.audit("tim_kerja.sk", before=before, sk_number=sk_number, sk_date=sk_date, file=sk_file.public_id)
    return tim


@transaction.atomic
def anggota_add(
    *, actor: Membership, tim: TimKerja, pegawai: Pegawai | None, peran: str, area: int | None = None
) -> AnggotaTim:
    """Add a pegawai of the unit to the team. Another unit's pegawai is refused: nothing saved."""
    require_unit_edit(actor, tim.unit)
    tim = lock(tim, related=("unit",))
    errors: dict[str, list[Any]] = {}
    if pegawai is None:
        errors.setdefault("pegawai", []).append(REQUIRED)
    pegawai_of_unit(errors, "pegawai", pegawai, tim.unit, MEMBER_OTHER_UNIT)
    if peran not in Peran.values:
        errors.setdefault("peran", []).append(ROLE_INVALID)
    elif peran in POKJA_ROLES and area is None:
        errors.setdefault("area", []).append(POKJA_NEEDS_AREA)
    elif peran in LEAD_ROLES and area is not None:
        errors.setdefault("area", []).append(LEAD_HAS_NO_AREA)
    area_value(errors, area)
    raise_errors(errors)
    rows = AnggotaTim.objects.filter(instansi_id=tim.instansi_id, tim=tim)
    if rows.filter(pegawai=pegawai, peran=peran, area=area).exists():
        raise ValidationError({"pegawai": [ValidationError(MEMBER_EXISTS)]})
    if peran in {Peran.PENANGGUNG_JAWAB, Peran.KETUA} and rows.filter(peran=peran).exists():
        raise ValidationError({"peran": [ValidationError(ROLE_TAKEN % {"role": Peran(peran).label})]})
    if peran == Peran.KOORDINATOR and rows.filter(peran=peran, area=area).exists():
        raise ValidationError({"peran": [ValidationError(COORDINATOR_TAKEN)]})
    try:
        with transaction.atomic():
            anggota: AnggotaTim = AnggotaTim.objects.create(
                instansi_id=tim.instansi_id, tim=tim, pegawai=pegawai, peran=peran, area=area
            )
    except IntegrityError as exc:  # a concurrent add of the same role
        raise DomainError(MEMBER_EXISTS) from exc
    audit(actor, "tim_kerja.anggota_add", tim, nip=pegawai.nip, peran=peran, area=area)  # type: ignore[union-attr]
    return anggota


@transaction.atomic
def anggota_remove(*, actor: Membership, anggota: AnggotaTim) -> None:
    """Soft: the member leaves the team (and the rights it gave) and can be brought back
    (``anggota_restore``)."""
    require_unit_edit(actor, anggota.tim.unit)
    soft_delete(anggota, actor)
    audit(
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
    tim = lock(anggota.tim)
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
            soft_restore(anggota)
    except IntegrityError as exc:  # a concurrent add of the same seat
        raise DomainError(MEMBER_EXISTS, code="exists") from exc
    audit(actor, "tim_kerja.anggota_restore", tim, nip=anggota.pegawai.nip, peran=anggota.peran, area=anggota.area)
    return anggota


@transaction.atomic
def agen_add(*, actor: Membership, tim: TimKerja, pegawai: Pegawai | None) -> AgenPerubahan:
    require_unit_edit(actor, tim.unit)
    errors: dict[str, list[Any]] = {}
    if pegawai is None:
        errors.setdefault("pegawai", []).append(REQUIRED)
    pegawai_of_unit(errors, "pegawai", pegawai, tim.unit, AGENT_OTHER_UNIT)
    raise_errors(errors)
    if AgenPerubahan.objects.filter(instansi_id=tim.instansi_id, tim=tim, pegawai=pegawai).exists():
        raise ValidationError({"pegawai": [ValidationError(AGENT_EXISTS)]})
    agen: AgenPerubahan = AgenPerubahan.objects.create(instansi_id=tim.instansi_id, tim=tim, pegawai=pegawai)
    audit(actor, "tim_kerja.agen_add", tim, nip=pegawai.nip)  # type: ignore[union-attr]
    return agen


@transaction.atomic
def agen_remove(*, actor: Membership, agen: AgenPerubahan) -> None:
    """Soft: the agent and the changes they recorded leave the page and the LKE suggestions; they
    come back together (``agen_restore``)."""
    require_unit_edit(actor, agen.tim.unit)
    soft_delete(agen, actor)
    audit(actor, "tim_kerja.agen_remove", agen.tim, before={"nip": agen.pegawai.nip})


@transaction.atomic
def agen_restore(*, actor: Membership, agen: AgenPerubahan) -> AgenPerubahan:
    require_unit_edit(actor, agen.tim.unit)
    if AgenPerubahan.objects.filter(instansi_id=agen.instansi_id, tim_id=agen.tim_id, pegawai=agen.pegawai).exists():
        raise DomainError(AGENT_EXISTS, code="exists")  # named again meanwhile
    try:
        with transaction.atomic():
            soft_restore(agen)
    except IntegrityError as exc:
        raise DomainError(AGENT_EXISTS, code="exists") from exc
    audit(actor, "tim_kerja.agen_restore", agen.tim, nip=agen.pegawai.nip)
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
    title = text_value(errors, "title", title, 300)
    tahun = agen.tim.cycle.tahun
    if date is None:
        errors.setdefault("date", []).append(REQUIRED)
    elif date.year != tahun:
        errors.setdefault("date", []).append(DATE_OUTSIDE_YEAR % {"tahun": tahun})
    raise_errors(errors)
    perubahan: Perubahan = Perubahan.objects.create(
        instansi_id=agen.instansi_id,
        agen=agen,
        title=title,
        description=(description or "").strip(),
        date=date,
        integrated=integrated,
    )
    audit(actor, "tim_kerja.perubahan_add", agen.tim, nip=agen.pegawai.nip, title=title, integrated=integrated)
    return perubahan


@transaction.atomic
def perubahan_delete(*, actor: Membership, perubahan: Perubahan) -> None:
    require_unit_edit(actor, perubahan.agen.tim.unit)
    audit(
        actor,
        "tim_kerja.perubahan_delete",
        perubahan.agen.tim,
        before={"nip": perubahan.agen.pegawai.nip, "title": perubahan.title, "integrated": perubahan.integrated},
    )
    soft_delete(perubahan, actor)


@transaction.atomic
def perubahan_restore(*, actor: Membership, perubahan: Perubahan) -> Perubahan:
    require_unit_edit(actor, perubahan.agen.tim.unit)
    if perubahan.agen.deleted_at is not None:
        raise DomainError(AGENT_REMOVED, code="agent_removed")
    soft_restore(perubahan)
    audit(
        actor,
        "tim_kerja.perubahan_restore",
        perubahan.agen.tim,
        nip=perubahan.agen.pegawai.nip,
        title=perubahan.title,
        integrated=perubahan.integrated,
    )
    return perubahan
