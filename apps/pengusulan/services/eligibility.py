"""The eligibility facts of Tabel 5 (instansi and unit, with their evidence) and the predikat a unit
holds."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import audit, require
from apps.audit.services import audit_record
from apps.core.concurrency import save_or_conflict, version_check
from apps.pengusulan.models import InstansiEligibility, PredikatUnit, UnitEligibility
from apps.pengusulan.services.common import _same_instansi, _upload_all
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Cycle, UnitKerja

if TYPE_CHECKING:
    from apps.accounts.models import User


UNIT_NOT_IN_INSTANSI = _("This unit is not part of the instansi.")


@transaction.atomic
def instansi_eligibility_set(
    *,
    actor: Membership,
    cycle: Cycle,
    opini_bpk: str,
    predikat_sakip: str,
    indeks_rb: str,
    maturitas_spip: int,
    evidence_files: Sequence[UploadedFile[bytes]] = (),
    version: int | None = None,
) -> InstansiEligibility:
    """Record (or update) the instansi-level facts of Tabel 5 for the year, adding evidence files.
    ``version``: the one the form was built from (0: none recorded); stale → ``VersionConflict``."""
    require(actor, Cap.PENGUSULAN_MANAGE)
    _same_instansi(actor, cycle)
    row = InstansiEligibility.objects.select_for_update().filter(instansi_id=actor.instansi_id, cycle=cycle).first()  # type: ignore[misc]  # require: an instansi role
    version_check(row, version)
    before = None
    if row is None:
        row = InstansiEligibility(instansi_id=actor.instansi_id, cycle=cycle)  # type: ignore[misc]  # require: an instansi role
    else:
        before = {f: str(getattr(row, f)) for f in ("opini_bpk", "predikat_sakip", "indeks_rb", "maturitas_spip")}
    row.opini_bpk, row.predikat_sakip, row.indeks_rb = opini_bpk, predikat_sakip, indeks_rb
    row.maturitas_spip = maturitas_spip
    row.updated_by = actor.user
    row.full_clean(exclude=["instansi", "cycle", "updated_by"])
    save_or_conflict(row)
    files = _upload_all(actor, evidence_files, f"Syarat pengusulan instansi {cycle.tahun}")
    row.evidence.add(*files)
    audit(
        actor,
        "pengusulan.instansi_eligibility_set",
        row,
        before=before,
        opini_bpk=opini_bpk,
        predikat_sakip=predikat_sakip,
        indeks_rb=indeks_rb,
        maturitas_spip=str(maturitas_spip),
        evidence_added=[f.original_name for f in files],
    )
    return row


@transaction.atomic
def unit_eligibility_set(
    *,
    actor: Membership,
    cycle: Cycle,
    unit: UnitKerja,
    is_core_service: bool,
    has_public_impact: bool,
    tlhp_pct: Decimal,
    lhkpn_pct: Decimal,
    lhkasn_pct: Decimal,
    zi_started_on: datetime.date,
    sakip_internal: str,
    evidence_files: Sequence[UploadedFile[bytes]] = (),
    version: int | None = None,
) -> UnitEligibility:
    """Record (or update) the unit-level facts of Tabel 5 for the year, adding evidence files.
    ``version``: the one the form was built from (0: none recorded); stale → ``VersionConflict``."""
    require(actor, Cap.PENGUSULAN_MANAGE)
    _same_instansi(actor, cycle)
    if unit.instansi_id != actor.instansi_id:
        raise ValidationError({"unit": ValidationError(UNIT_NOT_IN_INSTANSI, code="unit_foreign")})
    found = (
        UnitEligibility.objects.select_for_update()
        .filter(instansi_id=actor.instansi_id, cycle=cycle, unit=unit)
        .first()
    )
    version_check(found, version)
    row = found or UnitEligibility(instansi_id=actor.instansi_id, cycle=cycle, unit=unit)
    values: dict[str, Any] = {
        "is_core_service": is_core_service,
        "has_public_impact": has_public_impact,
        "tlhp_pct": tlhp_pct,
        "lhkpn_pct": lhkpn_pct,
        "lhkasn_pct": lhkasn_pct,
        "zi_started_on": zi_started_on,
        "sakip_internal": sakip_internal,
    }
    # An update keeps the facts it replaces (a first record has none: before is None).
    before = {name: str(getattr(found, name)) for name in values} if found is not None else None
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_by = actor.user
    row.full_clean(exclude=["instansi", "cycle", "unit", "updated_by"])
    save_or_conflict(row)
    files = _upload_all(actor, evidence_files, f"Syarat pengusulan {unit.code} {cycle.tahun}")
    row.evidence.add(*files)
    audit(
        actor,
        "pengusulan.unit_eligibility_set",
        row,
        before=before,
        **{k: str(v) for k, v in values.items()},
        evidence_added=[f.original_name for f in files],
    )
    return row


@transaction.atomic
def predikat_unit_record(
    *,
    instansi: Instansi,
    unit: UnitKerja,
    predikat: str,
    tahun: int,
    decree_number: str,
    decree_date: datetime.date,
    revoked_at: datetime.date | None = None,
    revoked_reason: str = "",
    actor_user: User | None = None,
) -> PredikatUnit:
    """Record a predikat the unit holds (and its revocation, if any). National data: used by the
    demo and tests now, by the national API (TPN/KemenPANRB) later — no instansi page writes it."""
    row = PredikatUnit(
        instansi=instansi,
        unit=unit,
        predikat=predikat,
        tahun=tahun,
        decree_number=decree_number,
        decree_date=decree_date,
        revoked_at=revoked_at,
        revoked_reason=revoked_reason,
    )
    row.full_clean(exclude=["instansi", "unit"])
    row.save()
    audit_record(
        actor=actor_user,
        verb="pengusulan.predikat_record",
        obj=row,
        after={"unit": unit.code, "predikat": predikat, "tahun": tahun, "revoked_at": str(revoked_at or "")},
    )
    return row
