"""Reads of the monitoring after the predikat (issue 17)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from apps.pemantauan.models import JenisPeringatan, Pengaduan, PeringatanDini, StatusUsulan, UsulanPencabutan
from apps.pengusulan.models import PredikatUnit
from apps.penilaian.models import Penilaian
from apps.penilaian.selectors import penilaian_scores
from apps.survei.models import Survei
from apps.survei.selectors import survei_indices
from apps.tenancy.scope import scope


def unit_year_figures(*, unit: Any, tahun: int) -> dict[str, Decimal | None]:
    """The year's monitored figures of a unit: the LKE total (the last tier answered of the year's
    penilaian) and the survey indices on the LKE's 0–4 scale (the latest survey of the year with
    responses). None where the year has no data yet."""
    figures: dict[str, Decimal | None] = {
        JenisPeringatan.LKE: None,
        JenisPeringatan.IPAK: None,
        JenisPeringatan.IPKP: None,
    }
    penilaian = Penilaian.objects.filter(instansi_id=unit.instansi_id, unit=unit, cycle__tahun=tahun).first()
    if penilaian is not None:
        scores = penilaian_scores(penilaian=penilaian)
        answered = {key: s for key, s in scores.items() if any(n.answered for n in s.result.nodes.values())}
        if answered:
            last = max(answered, key=lambda k: (["unit", "tpi", "tpn"].index(k[0]), k[1]))
            figures[JenisPeringatan.LKE] = answered[last].result.total.quantize(Decimal("0.01"))
    for survei in Survei.objects.filter(instansi_id=unit.instansi_id, unit=unit, tahun=tahun).order_by("-closes_on"):
        indices = survei_indices(survei=survei)
        found = False
        for instrumen, jenis in (("spak", JenisPeringatan.IPAK), ("spkp", JenisPeringatan.IPKP)):
            result = indices.get(instrumen)
            if result is not None and result.n and result.lke.mean is not None:
                figures[jenis] = Decimal(str(round(result.lke.mean, 2)))
                found = True
        if found:
            break
    return figures


@dataclass
class MonitoredUnit:
    predikat: PredikatUnit
    figures: dict[str, Decimal | None]
    warnings: list[PeringatanDini] = field(default_factory=list)
    complaints: int = 0
    usulan: UsulanPencabutan | None = None


def monitored_units(*, instansi_id: int, tahun: int) -> list[MonitoredUnit]:
    """Every standing predikat of the instansi with the year's figures, warnings, complaints and any
    open revocation proposal."""
    rows = []
    held = PredikatUnit.objects.filter(instansi_id=instansi_id, revoked_at__isnull=True).select_related("unit")
    warnings: dict[int, list[PeringatanDini]] = {}
    for warning in PeringatanDini.objects.filter(instansi_id=instansi_id, tahun=tahun):
        warnings.setdefault(warning.predikat_id, []).append(warning)
    usulan = {
        u.predikat_id: u
        for u in UsulanPencabutan.objects.filter(instansi_id=instansi_id, status=StatusUsulan.DIUSULKAN)
    }
    for predikat in held.order_by("unit__name"):
        rows.append(
            MonitoredUnit(
                predikat=predikat,
                figures=unit_year_figures(unit=predikat.unit, tahun=tahun),
                warnings=warnings.get(predikat.pk, []),
                complaints=Pengaduan.objects.filter(
                    instansi_id=instansi_id, predikat=predikat, diterima_pada__year=tahun
                ).count(),
                usulan=usulan.get(predikat.pk),
            )
        )
    return rows


def pengaduan_list(*, instansi_id: int, tahun: int) -> QuerySet[Pengaduan]:
    return Pengaduan.objects.filter(instansi_id=instansi_id, diterima_pada__year=tahun).select_related("unit")


def usulan_list(*, instansi_id: int) -> QuerySet[UsulanPencabutan]:
    return UsulanPencabutan.objects.filter(instansi_id=instansi_id).select_related("unit", "predikat")


# National (KemenPANRB): every instansi's revocation proposals — a greppable cross-tenant read (DESIGN §4).
def usulan_list_national(*, status: str | None = None) -> QuerySet[UsulanPencabutan]:
    rows = UsulanPencabutan.unscoped.select_related("unit", "predikat", "instansi")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at")


def usulan_get_national(*, public_id: Any) -> UsulanPencabutan | None:
    return usulan_list_national().filter(public_id=public_id).first()


def usulan_bukti_national(*, usulan: UsulanPencabutan) -> list[Any]:
    """The evidence files of a revocation proposal (read in its instansi's scope)."""
    with scope(usulan.instansi_id):
        return list(usulan.bukti.all())
