"""The LKE: answer profiles scored by the real engine, a penilaian per unit and its jawaban (unit
tier and TPI tier 1; tier 2 for the proposed units), two thirds of the unit's evidence linked."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from apps.lke.models import LKETemplate, Soal
from apps.lke.scoring import score
from apps.lke.selectors import template_spec
from apps.pengusulan.snapshot import scores_dict
from seed.config import NOW, PROPOSED_EVERY, TAHUN, log
from seed.country import Country
from seed.pg import copy_lines, copy_rows


@dataclass
class Master:
    template: LKETemplate
    soal_rows: list[tuple[Any, ...]]  # (pk, portalrb soal id, answer type, options), in order
    profiles: list[list[str]]  # eight answer sheets, in soal order
    profile_scores: list[dict[str, Any]]  # their scores


def load_master() -> Master:
    """The imported LKE of ``TAHUN`` and eight answer profiles, scored by the real engine."""
    template = LKETemplate.objects.get(tahun=TAHUN)
    soal_rows = list(
        Soal.objects.filter(template=template)
        .order_by("order")
        .values_list("pk", "portalrb_soal_id", "answer_type", "options")
    )
    spec = template_spec(template.pk)

    # Answer profiles: a unit answers like one of eight profiles (option index shifts by soal), the
    # TPI like the next profile. Scores are computed once per profile by the real scoring engine.
    def answer(profile: int, soal_index: int, answer_type: str, options: list[dict[str, Any]]) -> str:
        if answer_type == "JUMLAH":
            return "10"
        if answer_type == "NILAI_0_4":
            return ("3.5", "3", "4", "2.5")[profile % 4]
        keys = [o["key"] for o in options]
        return keys[(profile + soal_index) % 3 % len(keys)]

    profiles = [[answer(p, i, t, o) for i, (_pk, _sid, t, o) in enumerate(soal_rows)] for p in range(8)]
    profile_scores = [
        scores_dict(score(spec, {sid: profiles[p][i] for i, (_pk, sid, _t, _o) in enumerate(soal_rows)}))
        for p in range(8)
    ]
    return Master(template=template, soal_rows=soal_rows, profiles=profiles, profile_scores=profile_scores)


def seed_penilaian(cursor: Any, country: Country, master: Master) -> None:
    """A penilaian per unit (one in 20 proposed and recommended), its jawaban per tier."""
    units, tim_kerja_of, tpi_of, cycle_of = country.units, country.tim_kerja_of, country.tpi_of, country.cycle_of
    evidence_by_unit = country.evidence_by_unit
    template, soal_rows, profiles = master.template, master.soal_rows, master.profiles
    t0 = time.perf_counter()
    proposed = {uid for n, (uid, _i, _nm) in enumerate(units) if n % PROPOSED_EVERY == PROPOSED_EVERY // 2}
    copy_rows(
        cursor,
        "penilaian_penilaian",
        [
            "id",
            "created_at",
            "updated_at",
            "public_id",
            "status",
            "current_level",
            "submitted_at",
            "closed_at",
            "cycle_id",
            "instansi_id",
            "template_id",
            "unit_id",
            "revision_round",
        ],
        (
            (
                uid,
                NOW,
                NOW,
                uuid.uuid4(),
                "recommended" if uid in proposed else "in_review",
                2 if uid in proposed else 1,
                NOW,
                NOW if uid in proposed else None,
                cycle_of[inst],
                inst,
                template.pk,
                uid,
                0,
            )
            for uid, inst, _n in units
        ),
    )
    jawaban_cols = [
        "id",
        "tier",
        "level",
        "answer",
        "note",
        "evidence_link",
        "revision_count",
        "version",
        "updated_at",
        "instansi_id",
        "soal_id",
        "updated_by_id",
        "penilaian_id",
    ]
    evidence_links: list[str] = []
    jawaban_id = 0
    # For the snapshots: the proposed units' evidence per soal.
    snapshot_evidence: dict[int, dict[int, list[dict[str, str]]]] = {}
    evidence_budget = {uid: list(rows) for uid, rows in evidence_by_unit.items()}

    def jawaban_lines() -> Iterator[str]:
        nonlocal jawaban_id
        for uid, inst, _n in units:
            profile = uid % 8
            tiers = [("unit", 0, profile), ("tpi", 1, (profile + 1) % 8)]
            if uid in proposed:
                tiers.append(("tpi", 2, (profile + 2) % 8))
            # Two thirds of the unit's evidence goes to its LKE answers, on the first soal.
            mine = evidence_budget.get(uid, [])
            lke_evidence = mine[: max(1, len(mine) * 2 // 3)] if mine else []
            for tier, level, p in tiers:
                answers = profiles[p]
                by = tim_kerja_of[uid] if tier == "unit" else tpi_of[inst]
                note = "Sudah sesuai" if tier == "unit" else "Sesuai dengan bukti"
                for i, (soal_pk, soal_id, _t, _o) in enumerate(soal_rows):
                    jawaban_id += 1
                    if tier == "unit" and i < len(lke_evidence):
                        bukti = lke_evidence[i]
                        evidence_links.append(f"{jawaban_id}\t{bukti[0]}")
                        if uid in proposed:
                            snapshot_evidence.setdefault(uid, {})[soal_id] = [
                                {"id": bukti[1], "name": bukti[2], "sha256": bukti[3]}
                            ]
                    yield f"{jawaban_id}\t{tier}\t{level}\t{answers[i]}\t{note}\t\t0\t1\t{NOW}\t{inst}\t{soal_pk}\t{by}\t{uid}"  # noqa: E501
            if uid in evidence_budget:
                evidence_budget[uid] = mine[len(lke_evidence) :]

    total_jawaban = copy_lines(cursor, "penilaian_jawaban", jawaban_cols, jawaban_lines(), chunk=100_000)
    copy_lines(cursor, "penilaian_jawaban_evidence", ["jawaban_id", "buktidukung_id"], evidence_links)
    log(
        f"{len(units)} penilaian, {total_jawaban} jawaban, {len(evidence_links)} LKE evidence links ({time.perf_counter() - t0:.0f} s)"  # noqa: E501
    )
    country.proposed = proposed
    country.snapshot_evidence = snapshot_evidence
    country.evidence_budget = evidence_budget
