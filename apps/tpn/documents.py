"""The JSON documents of ``/api/v1/`` built from national reads (pure: no writes)."""

from __future__ import annotations

from typing import Any

from apps.pengusulan.models import Pengusulan, PengusulanSnapshot, PredikatUnit
from apps.penilaian.models import Jawaban, Tier
from apps.portalrb.signing import evidence_url
from apps.tpn.models import TPNResult
from apps.tpn.selectors import (
    proposal_stage,
    snapshot_current_national,
    tpn_results_for,
    unit_predikat_national,
    unit_proposals_national,
)
from apps.unit_kerja.models import UnitKerja


def _date(value: Any) -> str | None:
    return value.isoformat() if value else None


def proposal_summary(pengusulan: Pengusulan) -> dict[str, Any]:
    instansi = pengusulan.instansi
    return {
        "id": str(pengusulan.public_id),
        "tahun": pengusulan.cycle.tahun,
        "predikat": pengusulan.predikat,
        "kategori": pengusulan.kategori,
        "afirmasi": pengusulan.afirmasi,
        "status": pengusulan.status,
        "stage": proposal_stage(pengusulan),
        "proposed_at": pengusulan.proposed_at.isoformat() if pengusulan.proposed_at else None,
        "instansi": {
            "id": str(instansi.public_id),
            "code": instansi.code,
            "nama": instansi.name,
            "kind": instansi.kind,
            "province": instansi.province,
        },
        "unit": {"id": str(pengusulan.unit.public_id), "code": pengusulan.unit.code, "nama": pengusulan.unit.name},
    }


def result_document(result: TPNResult) -> dict[str, Any]:
    return {
        "id": str(result.public_id),
        "stage": result.stage,
        "outcome": result.outcome,
        "notes": result.notes,
        "scores": result.scores,
        "decree_number": result.decree_number,
        "decree_date": _date(result.decree_date),
        "revoked_on": _date(result.revoked_on),
        "override_reason": result.override_reason,
        "recorded_by": result.recorded_by.name or result.recorded_by.email,
        "recorded_at": result.created_at.isoformat(),
    }


def _snapshot_meta(snapshot: PengusulanSnapshot | None) -> dict[str, Any] | None:
    if snapshot is None:
        return None
    return {"number": snapshot.number, "sha256": snapshot.sha256, "frozen_at": snapshot.created_at.isoformat()}


def proposal_detail(pengusulan: Pengusulan) -> dict[str, Any]:
    """Summary + the current snapshot's hash and scores per tier + TPN's scores and results."""
    snapshot = snapshot_current_national(pengusulan=pengusulan)
    results = list(tpn_results_for(pengusulan=pengusulan))
    desk = [r for r in results if r.scores]
    return {
        **proposal_summary(pengusulan),
        "snapshot": _snapshot_meta(snapshot),
        "scores": (snapshot.data.get("scores", {}) if snapshot else {}),
        "tpn_scores": desk[-1].scores if desk else None,
        "results": [result_document(r) for r in results],
    }


def _tpn_rows(pengusulan: Pengusulan) -> dict[int, Jawaban]:
    rows = Jawaban.unscoped.filter(
        instansi_id=pengusulan.instansi_id, penilaian_id=pengusulan.penilaian_id, tier=Tier.TPN, level=0
    ).select_related("soal")
    return {row.soal.portalrb_soal_id: row for row in rows}


def proposal_answers(pengusulan: Pengusulan) -> dict[str, Any]:
    """Every answered soal of the current snapshot per tier, with the unit's evidence (a signed,
    expiring link to the frozen files, as PortalRB gets), plus TPN's own answers (live tier)."""
    snapshot = snapshot_current_national(pengusulan=pengusulan)
    data = snapshot.data if snapshot else {"tiers": [], "answers": []}
    tpn = _tpn_rows(pengusulan)
    entries: dict[int, dict[str, Any]] = {}
    for entry in data.get("answers", []):
        soal_id = int(entry["soal_id"])
        unit = entry.get("unit") or {}
        tiers = {
            name: {"answer": item.get("answer"), "note": item.get("note", "")}
            for name, item in entry.items()
            if name != "soal_id" and isinstance(item, dict)
        }
        entries[soal_id] = {
            "soal_id": soal_id,
            "tiers": tiers,
            "evidence_link": unit.get("evidence_link") or None,
            "evidence": [
                {"id": str(b["id"]), "name": str(b["name"]), "sha256": str(b["sha256"])}
                for b in unit.get("evidence", [])
            ],
            "evidence_url": (
                evidence_url(snapshot=snapshot, soal_id=soal_id) if snapshot and unit.get("evidence") else None
            ),
        }
    for soal_id, row in tpn.items():
        entry = entries.setdefault(
            soal_id, {"soal_id": soal_id, "tiers": {}, "evidence_link": None, "evidence": [], "evidence_url": None}
        )
        entry["tiers"]["tpn"] = {"answer": row.answer, "note": row.note}
    tiers = [*data.get("tiers", []), *(["tpn"] if tpn and "tpn" not in data.get("tiers", []) else [])]
    return {
        "id": str(pengusulan.public_id),
        "tahun": pengusulan.cycle.tahun,
        "unit": {"id": str(pengusulan.unit.public_id), "code": pengusulan.unit.code, "nama": pengusulan.unit.name},
        "snapshot": _snapshot_meta(snapshot),
        "tiers": tiers,
        "answers": [entries[k] for k in sorted(entries)],
    }


def predikat_document(row: PredikatUnit) -> dict[str, Any]:
    return {
        "predikat": row.predikat,
        "tahun": row.tahun,
        "decree_number": row.decree_number,
        "decree_date": _date(row.decree_date),
        "revoked_at": _date(row.revoked_at),
        "revoked_reason": row.revoked_reason,
    }


def unit_document(unit: UnitKerja) -> dict[str, Any]:
    instansi = unit.instansi
    return {
        "id": str(unit.public_id),
        "code": unit.code,
        "nama": unit.name,
        "kind": unit.kind,
        "instansi": {
            "id": str(instansi.public_id),
            "code": instansi.code,
            "nama": instansi.name,
            "kind": instansi.kind,
            "province": instansi.province,
        },
        "proposals": [proposal_summary(p) for p in unit_proposals_national(unit=unit)],
        "predikat": [predikat_document(p) for p in unit_predikat_national(unit=unit)],
    }
