"""Pengusulan: 5 % of the units proposed, with the TPI's recommendation, the frozen snapshot and a
TPN result."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from apps.pengusulan.snapshot import snapshot_hash
from seed.config import NOW, TAHUN, log
from seed.country import Country
from seed.lke import Master
from seed.pg import copy_rows


def seed_proposals(cursor: Any, country: Country, master: Master) -> None:
    """The proposed units' pengusulan with recommendation, frozen snapshot and TPN result."""
    template, soal_rows, profiles, profile_scores = (
        master.template,
        master.soal_rows,
        master.profiles,
        master.profile_scores,
    )
    proposed, unit_rows, unit_instansi, unit_public = (
        country.proposed,
        country.unit_rows,
        country.unit_instansi,
        country.unit_public,
    )
    snapshot_evidence, cycle_of, tpi_of = country.snapshot_evidence, country.cycle_of, country.tpi_of
    admin_of, national_user = country.admin_of, country.national_user
    t0 = time.perf_counter()
    soal_ids = [sid for _pk, sid, _t, _o in soal_rows]
    pengusulan_rows, recommendation_rows, snapshot_rows, result_rows = [], [], [], []
    unit_code = {u[0]: u[3] for u in unit_rows}
    unit_name_of = {u[0]: u[4] for u in unit_rows}
    for n, uid in enumerate(sorted(proposed)):
        inst = unit_instansi[uid]
        predikat = "WBBM" if n % 4 == 0 else "WBK"
        profile = uid % 8
        tiers = [("unit", profile), ("tpi1", (profile + 1) % 8), ("tpi2", (profile + 2) % 8)]
        evidence = snapshot_evidence.get(uid, {})
        answers = []
        for i, sid in enumerate(soal_ids):
            entry: dict[str, Any] = {"soal_id": sid}
            for name, p in tiers:
                item: dict[str, Any] = {
                    "answer": profiles[p][i],
                    "note": "Sudah sesuai" if name == "unit" else "Sesuai dengan bukti",
                }
                if name == "unit":
                    item["evidence_link"] = ""
                    item["evidence"] = evidence.get(sid, [])
                entry[name] = item
            answers.append(entry)
        data = {
            "format": 1,
            "tahun": TAHUN,
            "predikat": predikat,
            "afirmasi": False,
            "kategori": predikat,
            "unit": {"id": str(unit_public[uid]), "code": unit_code[uid], "nama": unit_name_of[uid]},
            "template": {"tahun": template.tahun, "version": template.version},
            "tiers": [name for name, _p in tiers],
            "answers": answers,
            "scores": {name: profile_scores[p] for name, p in tiers},
            "recommendation": {"decision": f"layak_{predikat.lower()}", "reasons": "Memenuhi syarat"},
        }
        pengusulan_rows.append(
            (
                uid,
                NOW,
                NOW,
                uuid.uuid4(),
                predikat,
                False,
                "proposed",
                f"2026-05-{1 + n % 28:02d} 09:00:00+07",
                1,
                cycle_of[inst],
                inst,
                uid,
                uid,
            )
        )
        recommendation_rows.append(
            (uid, NOW, NOW, uuid.uuid4(), f"layak_{predikat.lower()}", "Memenuhi syarat", tpi_of[inst], inst, uid)
        )
        snapshot_rows.append(
            (
                uid,
                uuid.uuid4(),
                1,
                json.dumps(data, ensure_ascii=False),
                snapshot_hash(data),
                True,
                "",
                NOW,
                admin_of[inst],
                inst,
                uid,
            )
        )
        result_rows.append(
            (n + 1, uuid.uuid4(), "administrasi", "lulus", "", None, "", None, None, NOW, inst, uid, national_user)
        )
    copy_rows(
        cursor,
        "pengusulan_pengusulan",
        [
            "id",
            "created_at",
            "updated_at",
            "public_id",
            "predikat",
            "afirmasi",
            "status",
            "proposed_at",
            "version",
            "cycle_id",
            "instansi_id",
            "penilaian_id",
            "unit_id",
        ],
        pengusulan_rows,
    )
    copy_rows(
        cursor,
        "penilaian_recommendation",
        [
            "id",
            "created_at",
            "updated_at",
            "public_id",
            "decision",
            "reasons",
            "decided_by_id",
            "instansi_id",
            "penilaian_id",
        ],
        recommendation_rows,
    )
    copy_rows(
        cursor,
        "pengusulan_pengusulansnapshot",
        [
            "id",
            "public_id",
            "number",
            "data",
            "sha256",
            "is_current",
            "reason",
            "created_at",
            "created_by_id",
            "instansi_id",
            "pengusulan_id",
        ],
        snapshot_rows,
    )
    copy_rows(
        cursor,
        "tpn_tpnresult",
        [
            "id",
            "public_id",
            "stage",
            "outcome",
            "notes",
            "scores",
            "decree_number",
            "decree_date",
            "revoked_on",
            "created_at",
            "instansi_id",
            "pengusulan_id",
            "recorded_by_id",
        ],
        result_rows,
    )
    log(f"{len(proposed)} proposals with snapshots and TPN results ({time.perf_counter() - t0:.0f} s)")
