"""What PortalRB receives, built only from frozen snapshots (PORTALRB_API.md).

Every function takes the instansi explicitly and reads ``Pengusulan`` rows with status
``proposed`` and their current ``PengusulanSnapshot`` — never the live LKE. The same functions feed
the API and the admin's preview, so the preview is exactly what PortalRB gets.

* **The current proposal round** (``tahun`` of the lists): the latest year in which the instansi
  has a proposed unit with a current snapshot; with none, the instansi's latest cycle, else this year.
* **unit ids**: the unit kerja's ``public_id`` (a UUID as a string).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, Max, OuterRef, Subquery
from django.http import Http404
from django.utils import timezone

from apps.lke.models import LKETemplate, Soal
from apps.pengusulan.models import PengusulanSnapshot, PengusulanStatus
from apps.pengusulan.snapshot import last_tpi_tier
from apps.portalrb.models import PortalRBFetch, PortalRBToken
from apps.portalrb.signing import evidence_url
from apps.tenancy.access import parse_public_id
from apps.tenancy.models import Instansi
from apps.unit_kerja.models import Cycle, UnitKerja


def _current_snapshots(*, instansi: Instansi) -> Any:
    return PengusulanSnapshot.objects.filter(
        instansi=instansi, is_current=True, pengusulan__status=PengusulanStatus.PROPOSED
    ).select_related("instansi", "pengusulan", "pengusulan__cycle", "pengusulan__unit")


def _round_tahun_of_proposals(*, instansi: Instansi) -> int | None:
    """The latest year with a proposed unit holding a current snapshot; None when there is none.
    Driven by the instansi's few cycles (an EXISTS each), so it stays small for the largest one."""
    proposed = PengusulanSnapshot.objects.filter(
        instansi=instansi,
        is_current=True,
        pengusulan__cycle=OuterRef("pk"),
        pengusulan__status=PengusulanStatus.PROPOSED,
    )
    tahun: int | None = (
        Cycle.objects.filter(instansi=instansi).filter(Exists(proposed)).aggregate(tahun=Max("tahun"))["tahun"]
    )
    return tahun


def portalrb_round_tahun(*, instansi: Instansi) -> int:
    latest = _round_tahun_of_proposals(instansi=instansi)
    if latest is not None:
        return int(latest)
    cycle = Cycle.objects.filter(instansi=instansi).order_by("-tahun").values_list("tahun", flat=True).first()
    return int(cycle) if cycle is not None else timezone.localdate().year


def portalrb_unit_list(*, instansi: Instansi, predikat: str) -> dict[str, Any]:
    """``unit-wbk`` / ``unit-wbbm``: the round's proposed units of one predikat, by name then id."""
    tahun = portalrb_round_tahun(instansi=instansi)
    snapshots = _current_snapshots(instansi=instansi).filter(
        pengusulan__cycle__tahun=tahun, pengusulan__predikat=predikat
    )
    units = [
        {
            "id": str(s.data["unit"]["id"]),
            "nama": str(s.data["unit"]["nama"]),
            "kategori": str(s.data["kategori"]),
            "afirmasi": bool(s.data["afirmasi"]),
        }
        for s in snapshots
    ]
    units.sort(key=lambda unit: (unit["nama"], unit["id"]))
    return {"tahun": tahun, "units": units}


def portalrb_snapshot_for_unit(*, instansi: Instansi, unit_id: object) -> PengusulanSnapshot:
    """The current snapshot of the unit's proposal in the current round; 404 for anything else
    (a malformed id, another instansi's unit, a unit not proposed, a draft or withdrawn proposal).

    PortalRB's hottest path (issue 9): ONE query, driven by the unit's unique id (the planner
    starts there, not at the round's every proposal), the round being "no current proposal of a
    later year" (``NOT EXISTS``), and only the columns the cached document's key and its evidence
    links need; ``data`` (the whole frozen LKE) loads on first access, when the document is built."""
    public_id = parse_public_id(unit_id)
    unit = UnitKerja.objects.filter(instansi=instansi, public_id=public_id).order_by().values("pk")[:1]
    later_round = PengusulanSnapshot.objects.filter(
        instansi=instansi,
        is_current=True,
        pengusulan__status=PengusulanStatus.PROPOSED,
        pengusulan__cycle__tahun__gt=OuterRef("pengusulan__cycle__tahun"),
    )
    snapshot = (
        PengusulanSnapshot.objects.filter(
            instansi=instansi,
            is_current=True,
            pengusulan__status=PengusulanStatus.PROPOSED,
            pengusulan__unit_id=Subquery(unit),
        )
        .filter(~Exists(later_round.order_by()))
        .only("id", "public_id", "instansi_id", "sha256", "created_at")
        .order_by("pk")  # not the model's ordering, whose joins (cycle, unit) only sort one row
        .first()
    )
    if snapshot is None:
        raise Http404
    snapshot.instansi = instansi  # the row's own (the filter above): no join needed for it
    return snapshot


_MASTER_ORDER: dict[tuple[int, int], dict[int, int]] = {}


def _master_order(tahun: int, version: int) -> dict[int, int]:
    """portalrb soal id → position in the master, for one template version (immutable once
    imported, so cached per process; a missing template is not cached)."""
    key = (tahun, version)
    if key not in _MASTER_ORDER:
        template = LKETemplate.objects.filter(tahun=tahun, version=version).first()
        if template is None:
            return {}
        _MASTER_ORDER[key] = dict(Soal.objects.filter(template=template).values_list("portalrb_soal_id", "order"))
    return _MASTER_ORDER[key]


def _text(value: object) -> str | None:
    """Strings as they are; empty strings and missing values become null."""
    if value is None:
        return None
    text = str(value)
    return text if text else None


def portalrb_answers(*, snapshot: PengusulanSnapshot) -> dict[str, Any]:
    """``lke/jawaban-unit/{unit_id}``: the answered master soal, in master order, from the snapshot."""
    data = snapshot.data
    order = _master_order(int(data["template"]["tahun"]), int(data["template"]["version"]))
    tpi = last_tpi_tier(data)
    answers = []
    # Only soal of the master: derived items are not soal (never in a snapshot), skipped defensively.
    entries = [entry for entry in data.get("answers", []) if int(entry["soal_id"]) in order]
    for entry in sorted(entries, key=lambda e: order[int(e["soal_id"])]):
        unit = entry.get("unit") or {}
        tpi_item = (entry.get(tpi) or {}) if tpi else {}
        evidence_link = _text(unit.get("evidence_link"))
        bukti = evidence_link
        if unit.get("evidence"):
            bukti = evidence_url(snapshot=snapshot, soal_id=int(entry["soal_id"]))
        answers.append(
            {
                "soal_id": int(entry["soal_id"]),
                "jawaban_unit": _text(unit.get("answer")),
                "jawaban_tpi": _text(tpi_item.get("answer")),
                "catatan_unit": _text(unit.get("note")),
                "bukti_dukung_unit": bukti,
                "catatan_tpi": _text(tpi_item.get("note")),
            }
        )
    return {
        "unit_id": str(data["unit"]["id"]),
        "nama_unit": str(data["unit"]["nama"]),
        "tahun": int(data["tahun"]),
        "answers": answers,
    }


def portalrb_preview(*, instansi: Instansi) -> dict[str, Any]:
    """Everything PortalRB would receive now: both lists and each listed unit's answers."""
    wbk = portalrb_unit_list(instansi=instansi, predikat="WBK")
    wbbm = portalrb_unit_list(instansi=instansi, predikat="WBBM")
    return {"unit-wbk": wbk, "unit-wbbm": wbbm}


def portalrb_fetch_list(*, instansi: Instansi) -> Any:
    return PortalRBFetch.objects.filter(instansi=instansi).select_related("token").order_by("-created_at", "-id")


def portalrb_token_active(*, instansi: Instansi) -> PortalRBToken | None:
    return PortalRBToken.objects.filter(instansi=instansi, revoked_at__isnull=True).first()
