"""Reads of the tim kerja ZI: the team of a unit's year, its members and its change agents with
their changes. Every read names its instansi explicitly."""

from __future__ import annotations

from apps.timkerja.models import AgenPerubahan, AnggotaTim, TimKerja
from apps.unit_kerja.models import Cycle, UnitKerja


def tim_for(*, unit: UnitKerja, cycle: Cycle) -> TimKerja | None:
    return (
        TimKerja.objects.filter(instansi_id=unit.instansi_id, unit=unit, cycle=cycle).select_related("sk_file").first()
    )


def anggota_of(tim: TimKerja | None) -> list[AnggotaTim]:
    if tim is None:
        return []
    return list(
        AnggotaTim.objects.filter(instansi_id=tim.instansi_id, tim=tim)
        .select_related("pegawai")
        .order_by("area", "peran", "pegawai__name")
    )


def agen_of(tim: TimKerja | None) -> list[AgenPerubahan]:
    if tim is None:
        return []
    return list(
        AgenPerubahan.objects.filter(instansi_id=tim.instansi_id, tim=tim)
        .select_related("pegawai")
        .prefetch_related("perubahan")
        .order_by("pegawai__name")
    )
