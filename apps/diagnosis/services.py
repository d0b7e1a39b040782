"""Writes of the diagnosis: the unit's diagnosis of a year, its summary, layanan utama, strategic
issues and the risk register.

Keyword-only, typed, one transaction each, every rule checked before anything is written
(``ValidationError`` by field, or a ``DomainError``), and an audit event per write. The unit side
writes with ``Cap.PENDAMPINGAN_EDIT`` on a unit in the actor's reach (``apps.timkerja.rules``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import audit, guarded
from apps.core.concurrency import save_or_conflict
from apps.core.errors import PermissionDeniedError
from apps.diagnosis.models import Diagnosis, IsuStrategis, LayananUtama, Risiko, RisikoJenis
from apps.tenancy.models import Membership
from apps.timkerja.rules import (
    REQUIRED,
    area_value,
    pegawai_of_unit,
    raise_errors,
    require_unit_edit,
    scale_value,
    soft_delete,
    soft_restore,
    text_value,
)
from apps.unit_kerja.models import Cycle, Pegawai, UnitKerja

VOLUME_NEGATIVE = _("The yearly volume cannot be negative.")
KIND_INVALID = _("Choose a corruption risk or a service risk.")
OWNER_REQUIRED = _("Every risk needs an owner: choose a pegawai of the unit.")
OWNER_OTHER_UNIT = _("The risk owner must be a pegawai of %(unit)s.")


@transaction.atomic
def diagnosis_get_or_create(*, actor: Membership, unit: UnitKerja, cycle: Cycle) -> Diagnosis:
    require_unit_edit(actor, unit)
    if cycle.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    diagnosis, created = Diagnosis.objects.get_or_create(instansi_id=unit.instansi_id, unit=unit, cycle=cycle)
    if created:
        audit(actor, "diagnosis.create", diagnosis, unit=unit.code, tahun=cycle.tahun)
    return diagnosis


@transaction.atomic
def diagnosis_summary_set(*, actor: Membership, diagnosis: Diagnosis, summary: str) -> Diagnosis:
    require_unit_edit(actor, diagnosis.unit)
    write = guarded(actor, diagnosis)
    diagnosis = write.row
    before = {"summary": diagnosis.summary[:200]}
    diagnosis.summary = (summary or "").strip()
    diagnosis.save(update_fields=["summary", "updated_at"])
    write.audit("diagnosis.summary", before=before, summary=diagnosis.summary[:200])
    return diagnosis


@transaction.atomic
def layanan_add(
    *, actor: Membership, diagnosis: Diagnosis, name: str, volume: int | None, description: str = ""
) -> LayananUtama:
    require_unit_edit(actor, diagnosis.unit)
    errors: dict[str, list[Any]] = {}
    name = text_value(errors, "name", name, 200)
    if volume is None:
        errors.setdefault("volume", []).append(REQUIRED)
    elif volume < 0:
        errors.setdefault("volume", []).append(VOLUME_NEGATIVE)
    raise_errors(errors)
    layanan: LayananUtama = LayananUtama.objects.create(
        instansi_id=diagnosis.instansi_id,
        diagnosis=diagnosis,
        name=name,
        volume=volume,
        description=(description or "").strip(),
    )
    audit(actor, "diagnosis.layanan_add", diagnosis, name=name, volume=volume)
    return layanan


@transaction.atomic
def layanan_delete(*, actor: Membership, layanan: LayananUtama) -> None:
    """Soft: the service leaves every page and can be restored (``layanan_restore``)."""
    require_unit_edit(actor, layanan.diagnosis.unit)
    soft_delete(layanan, actor)
    audit(actor, "diagnosis.layanan_delete", layanan.diagnosis, before={"name": layanan.name, "volume": layanan.volume})


@transaction.atomic
def layanan_restore(*, actor: Membership, layanan: LayananUtama) -> LayananUtama:
    require_unit_edit(actor, layanan.diagnosis.unit)
    soft_restore(layanan)
    audit(actor, "diagnosis.layanan_restore", layanan.diagnosis, name=layanan.name, layanan=str(layanan.public_id))
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
    title = text_value(errors, "title", title, 300)
    scale_value(errors, "urgency", urgency)
    scale_value(errors, "impact", impact)
    area_value(errors, area)
    raise_errors(errors)
    isu: IsuStrategis = IsuStrategis.objects.create(
        instansi_id=diagnosis.instansi_id,
        diagnosis=diagnosis,
        title=title,
        description=(description or "").strip(),
        area=area,
        urgency=urgency,
        impact=impact,
    )
    audit(actor, "diagnosis.isu_add", diagnosis, title=title, score=isu.score)
    return isu


@transaction.atomic
def isu_delete(*, actor: Membership, isu: IsuStrategis) -> None:
    """Soft: the issue leaves every page and can be restored (``isu_restore``)."""
    require_unit_edit(actor, isu.diagnosis.unit)
    soft_delete(isu, actor)
    audit(actor, "diagnosis.isu_delete", isu.diagnosis, before={"title": isu.title, "score": isu.score})


@transaction.atomic
def isu_restore(*, actor: Membership, isu: IsuStrategis) -> IsuStrategis:
    require_unit_edit(actor, isu.diagnosis.unit)
    soft_restore(isu)
    audit(actor, "diagnosis.isu_restore", isu.diagnosis, title=isu.title, isu=str(isu.public_id))
    return isu


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
    text_value(errors, "title", data.title, 300)
    text_value(errors, "cause", data.cause)
    scale_value(errors, "likelihood", data.likelihood)
    scale_value(errors, "impact", data.impact)
    area_value(errors, data.area)
    if data.owner is None:
        errors.setdefault("owner", []).append(OWNER_REQUIRED)
    pegawai_of_unit(errors, "owner", data.owner, diagnosis.unit, OWNER_OTHER_UNIT)
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
    raise_errors(risiko_errors(diagnosis, data))
    created = risiko is None
    if risiko is None:
        risiko = Risiko(instansi_id=diagnosis.instansi_id, diagnosis=diagnosis)
    else:
        risiko = guarded(actor, risiko, version=version).row
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
    owner = data.owner
    assert owner is not None  # noqa: S101  (risiko_errors refused a risk without one)
    risiko.owner = owner
    risiko.mitigation = (data.mitigation or "").strip()
    risiko.area = data.area
    save_or_conflict(risiko)
    audit(
        actor,
        "diagnosis.risiko_create" if created else "diagnosis.risiko_update",
        risiko,
        before=before,
        title=risiko.title,
        score=risiko.score,
        owner=owner.nip,
    )
    return risiko


@transaction.atomic
def risiko_delete(*, actor: Membership, risiko: Risiko) -> None:
    """Soft: the risk leaves the register and can be restored (``risiko_restore``); a kegiatan that
    answered it keeps its link."""
    require_unit_edit(actor, risiko.diagnosis.unit)
    soft_delete(risiko, actor)
    audit(actor, "diagnosis.risiko_delete", risiko.diagnosis, before={"title": risiko.title, "score": risiko.score})


@transaction.atomic
def risiko_restore(*, actor: Membership, risiko: Risiko) -> Risiko:
    require_unit_edit(actor, risiko.diagnosis.unit)
    soft_restore(risiko)
    audit(actor, "diagnosis.risiko_restore", risiko.diagnosis, title=risiko.title, risiko=str(risiko.public_id))
    return risiko
