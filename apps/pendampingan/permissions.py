"""The TPI side of a unit's pendampingan: who answers its threads and records its asistensi. The
team rule (pokja areas, team members) is ``apps.timkerja.permissions``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apps.penilaian.models import TPIAssignment
from apps.tenancy.roles import Cap

if TYPE_CHECKING:
    from apps.tenancy.models import Membership
    from apps.unit_kerja.models import Cycle, UnitKerja


def tpi_assigned(*, actor: Membership, unit: UnitKerja, cycle: Cycle) -> bool:
    """The TPI side of a unit's pendampingan is its assigned reviewers of that year (issue 18: any
    TPI of the instansi could close another unit's thread or mark its actions done)."""
    if not actor.can(Cap.PENDAMPINGAN_TPI) or actor.instansi_id != unit.instansi_id:
        return False
    return TPIAssignment.objects.filter(
        instansi_id=actor.instansi_id, cycle_id=cycle.pk, unit_id=unit.pk, reviewer_id=actor.user_id
    ).exists()
