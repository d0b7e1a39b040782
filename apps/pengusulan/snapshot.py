"""Building and reading the frozen proposal snapshot (format 1, see ``PengusulanSnapshot``).

Pure reads: the service that proposes calls ``snapshot_build`` inside its transaction and stores
the result with ``snapshot_hash``. Readers (PortalRB, /api/v1, the pages) only ever read ``data``.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from apps.lke.scoring import ScoreResult
from apps.penilaian.models import Penilaian, Recommendation
from apps.penilaian.selectors import jawaban_by_tier, penilaian_scores

SNAPSHOT_FORMAT = 1


def tier_name(key: tuple[str, int]) -> str:
    """("unit", 0) → "unit"; ("tpi", 2) → "tpi2"; ("tpn", 0) → "tpn"."""
    tier, level = key
    return f"{tier}{level}" if level else str(tier)


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value else "0"


def _done(node: Any) -> dict[str, int]:
    return {"answered": node.answered, "total": node.soal_total}


def scores_dict(result: ScoreResult) -> dict[str, Any]:
    """Exact scores of one tier and, beside them, how many soal were answered of how many (issue 16:
    incomplete work is never shown as complete)."""
    roots = [n for n in result.nodes.values() if n.level == "komponen"]
    return {
        "completeness": {
            "answered": sum(n.answered for n in roots),
            "total": sum(n.soal_total for n in roots),
            "areas": {
                half: {str(area): _done(node) for area, node in sorted(areas.items())}
                for half, areas in result.areas.items()
            },
        },
        "pemenuhan": _number(result.pemenuhan),
        "reform": _number(result.reform),
        "pengungkit": _number(result.pengungkit),
        "hasil": _number(result.hasil),
        "total": _number(result.total),
        "areas": {
            half: {str(area): _number(node.points) for area, node in sorted(areas.items())}
            for half, areas in result.areas.items()
        },
    }


def snapshot_build(*, penilaian: Penilaian, predikat: str, afirmasi: bool) -> dict[str, Any]:
    """Everything that is proposed, as plain JSON: every tier's answers, notes, evidence and scores."""
    by_tier = jawaban_by_tier(penilaian=penilaian)
    tiers = sorted(by_tier, key=lambda k: (["unit", "tpi", "tpn"].index(k[0]), k[1]))
    soal_ids = sorted({soal_id for rows in by_tier.values() for soal_id in rows})
    answers = []
    for soal_id in soal_ids:
        entry: dict[str, Any] = {"soal_id": soal_id}
        for key in tiers:
            row = by_tier[key].get(soal_id)
            if row is None:
                continue
            item: dict[str, Any] = {"answer": row.answer, "note": row.note}
            if key[0] == "unit":
                item["evidence_link"] = row.evidence_link
                item["evidence"] = [
                    {"id": str(b.public_id), "name": b.original_name, "sha256": b.sha256}
                    for b in sorted(row.evidence_files, key=lambda b: b.created_at)  # type: ignore[attr-defined]
                ]
            entry[tier_name(key)] = item
        answers.append(entry)
    scores = {
        tier_name(key): scores_dict(score.result)
        for key, score in penilaian_scores(penilaian=penilaian, by_tier=by_tier).items()
    }
    recommendation = Recommendation.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian).first()
    return {
        "format": SNAPSHOT_FORMAT,
        "tahun": penilaian.cycle.tahun,
        "predikat": predikat,
        "afirmasi": afirmasi,
        "kategori": f"{predikat}-AFIRMASI" if afirmasi else predikat,
        "unit": {"id": str(penilaian.unit.public_id), "code": penilaian.unit.code, "nama": penilaian.unit.name},
        "template": {"tahun": penilaian.template.tahun, "version": penilaian.template.version},
        "tiers": [tier_name(key) for key in tiers],
        "answers": answers,
        "scores": scores,
        "recommendation": (
            {"decision": recommendation.decision, "reasons": recommendation.reasons} if recommendation else None
        ),
    }


def snapshot_hash(data: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8)."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def last_tpi_tier(data: dict[str, Any]) -> str | None:
    """The most advanced TPI tier in a snapshot ("tpi3" before "tpi1"), or None."""
    tpi = [name for name in data.get("tiers", []) if name.startswith("tpi")]
    return max(tpi, key=lambda name: int(name[3:] or 0)) if tpi else None
