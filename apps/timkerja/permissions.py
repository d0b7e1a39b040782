"""The tim kerja ZI drives permissions: the one place that turns team membership into rights.

The rule (README "Pendampingan"): capabilities are unchanged and always win; being in the unit's
tim kerja ZI for the year *adds* rights to a member of the unit who lacks them:

* a pokja coordinator or member of area X views the unit's rencana aksi and LKE, edits the
  kegiatan of area X and fills the LKE answers of area X;
* the penanggung jawab, ketua and sekretaris lead every area (1–6 and the hasil part, 7);
* any team member may view the unit's diagnosis, tim kerja and pendampingan pages and consult
  the TPI.

A member is recognised through the roster: the pegawai's login (``Pegawai.user``) is the actor's
user, and the pegawai is active and on the unit. The answer is cached on the membership object for
the request, so a worksheet of 127 items asks the database once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from apps.timkerja.models import LEAD_ROLES, AnggotaTim

if TYPE_CHECKING:
    from apps.tenancy.models import Membership
    from apps.unit_kerja.models import Cycle, UnitKerja

EVERY_AREA = frozenset(range(1, 8))


def _roles(actor: Membership, unit: UnitKerja, cycle: Cycle) -> list[tuple[str, int | None]]:
    if actor is None or not actor.is_active or actor.instansi_id is None or actor.instansi_id != unit.instansi_id:
        return []
    cache: dict[tuple[int, int], list[tuple[str, int | None]]] = actor.__dict__.setdefault("_zi_tim_roles", {})
    key = (unit.pk, cycle.pk)
    if key not in cache:
        cache[key] = list(
            AnggotaTim.objects.filter(
                instansi_id=unit.instansi_id,
                tim__unit=unit,
                tim__cycle=cycle,
                pegawai__user_id=actor.user_id,
                pegawai__unit=unit,
                pegawai__is_active=True,
            ).values_list("peran", "area")
        )
    return cache[key]


def pokja_areas(*, actor: Membership, unit: UnitKerja, cycle: Cycle) -> frozenset[int]:
    """The areas (1–6, and 7 for the hasil part) the actor's team roles let them edit."""
    areas: set[int] = set()
    for peran, area in _roles(actor, unit, cycle):
        if peran in LEAD_ROLES:
            return EVERY_AREA
        if area is not None:
            areas.add(area)
    return frozenset(areas)


def is_team_member(*, actor: Membership, unit: UnitKerja, cycle: Cycle) -> bool:
    return bool(_roles(actor, unit, cycle))
