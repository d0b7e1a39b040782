"""Set-up of a year's penilaian by the admin ZI: opening the penilaian of the designated units, the TPI
tiers and the TPI assignments.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import audit, require
from apps.core.concurrency import VERSION_CONFLICT, VersionConflict
from apps.core.errors import DomainError, PermissionDeniedError
from apps.lke.selectors import lke_template_latest
from apps.penilaian.models import Penilaian, PenilaianStatus, TPIAssignment, TPITier
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Cycle, Penetapan, PenetapanStatus

S = PenilaianStatus

NO_TEMPLATE = _("No LKE template has been imported yet.")
TIERS_INVALID = _("Between one and three TPI tiers, each with a name.")
TIER_UNKNOWN = _("This TPI tier does not exist.")
REVIEWER_NOT_TPI = _("The reviewer must be a TPI member of this instansi.")
ASSIGNMENT_DUPLICATE = _("This reviewer is already assigned to this unit at this tier.")
TIERS_IN_USE = _("A penilaian is being reviewed at a tier you are removing. Finish that tier first, or keep the tiers.")


@transaction.atomic
def penilaian_open(*, actor: Membership, cycle: Cycle) -> list[Penilaian]:
    """Open the year's penilaian for every designated unit that has none yet (idempotent)."""
    require(actor, Cap.PENILAIAN_MANAGE)
    if cycle.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    template = lke_template_latest(tahun=cycle.tahun) or lke_template_latest()
    if template is None:
        raise DomainError(NO_TEMPLATE, code="no_template")

    designated = Penetapan.objects.filter(
        instansi_id=actor.instansi_id, cycle=cycle, status=PenetapanStatus.DESIGNATED
    ).select_related("unit")
    existing = set(
        Penilaian.objects.filter(instansi_id=actor.instansi_id, cycle=cycle).values_list("unit_id", flat=True)
    )
    created = []
    for penetapan in designated:
        if penetapan.unit_id in existing:
            continue
        penilaian = Penilaian.objects.create(
            instansi_id=actor.instansi_id, unit=penetapan.unit, cycle=cycle, template=template
        )
        audit(actor, "penilaian.open", penilaian, unit=penetapan.unit.code, tahun=cycle.tahun, template=str(template))
        created.append(penilaian)
    return created


@transaction.atomic
def tpi_tiers_digest(*, instansi_id: int) -> str:
    """A short digest of the instansi's tier names: the "version" the tiers form was built from."""
    names = TPITier.objects.filter(instansi_id=instansi_id).order_by("level").values_list("name", flat=True)
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:16]


def tpi_tiers_set(*, actor: Membership, names: list[str], seen: str | None = None) -> list[TPITier]:
    """Set the instansi's TPI tiers (1 to 3), e.g. ["Anggota tim", "Ketua tim", "Pengendali teknis"].
    ``seen``: :func:`tpi_tiers_digest` when the form was built; another admin's save since is a
    ``VersionConflict`` (nothing written)."""
    require(actor, Cap.PENILAIAN_MANAGE)
    list(TPITier.objects.select_for_update().filter(instansi_id=actor.instansi_id))  # type: ignore[misc]  # serialise the admins; require: an instansi role
    if seen is not None and seen != tpi_tiers_digest(instansi_id=actor.instansi_id):  # type: ignore[arg-type]  # require: an instansi role
        raise VersionConflict(VERSION_CONFLICT)
    cleaned = [name.strip() for name in names if name and name.strip()]
    if not 1 <= len(cleaned) <= 3:
        raise ValidationError({"names": ValidationError(TIERS_INVALID, code="tiers_invalid")})
    # A penilaian under review at a tier that would disappear could never be closed properly.
    if Penilaian.objects.filter(  # type: ignore[misc]  # require: an instansi role
        instansi_id=actor.instansi_id, status__in=[S.IN_REVIEW, S.REVISION], current_level__gt=len(cleaned)
    ).exists():
        raise ValidationError({"names": ValidationError(TIERS_IN_USE, code="tiers_in_use")})
    before = {t.level: t.name for t in TPITier.objects.filter(instansi_id=actor.instansi_id)}  # type: ignore[misc]  # require: an instansi role
    TPITier.objects.filter(instansi_id=actor.instansi_id, level__gt=len(cleaned)).delete()  # type: ignore[misc]  # require: an instansi role
    tiers = []
    for level, name in enumerate(cleaned, start=1):
        tier, _created = TPITier.objects.update_or_create(  # type: ignore[misc]  # require: an instansi role
            instansi_id=actor.instansi_id, level=level, defaults={"name": name}
        )
        tiers.append(tier)
    audit(
        actor,
        "tpi.tiers_set",
        actor.instansi,  # type: ignore[arg-type]  # require: an instansi role
        before={str(k): v for k, v in before.items()},
        **{str(t.level): t.name for t in tiers},
    )
    return tiers


@transaction.atomic
def tpi_assign(*, actor: Membership, cycle: Cycle, unit: Any, reviewer: Membership, level: int) -> TPIAssignment:
    """Assign a TPI member to review a unit at a tier for a year."""
    require(actor, Cap.PENILAIAN_MANAGE)
    if reviewer.instansi_id != actor.instansi_id or not reviewer.can(Cap.PENILAIAN_REVIEW):
        raise ValidationError({"reviewer": ValidationError(REVIEWER_NOT_TPI, code="not_tpi")})
    # Tier 1 always exists (an instansi without configured tiers reviews in one tier).
    if not 1 <= level <= 3 or (
        level != 1 and not TPITier.objects.filter(instansi_id=actor.instansi_id, level=level).exists()  # type: ignore[misc]  # require: an instansi role
    ):
        raise ValidationError({"level": ValidationError(TIER_UNKNOWN, code="tier_unknown")})
    if unit.instansi_id != actor.instansi_id or cycle.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    try:
        with transaction.atomic():
            assignment = TPIAssignment.objects.create(
                instansi_id=actor.instansi_id, cycle=cycle, unit=unit, reviewer=reviewer.user, level=level
            )
    except IntegrityError as exc:
        raise ValidationError({"reviewer": ValidationError(ASSIGNMENT_DUPLICATE, code="duplicate")}) from exc
    audit(actor, "tpi.assign", assignment, reviewer=reviewer.user.email, unit=unit.code, level=level)
    return assignment


@transaction.atomic
def tpi_unassign(*, actor: Membership, assignment: TPIAssignment) -> None:
    """Remove a TPI member's assignment (their answers at that tier stay)."""
    require(actor, Cap.PENILAIAN_MANAGE)
    if assignment.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    audit(actor, "tpi.unassign", assignment, before={"reviewer": assignment.reviewer.email, "level": assignment.level})
    assignment.delete()
