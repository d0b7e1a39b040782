"""What one step of the seed hands the next: the ids it loaded, by instansi and by unit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Country:
    instansi: list[tuple[int, str, str, str]]  # (id, code, name, kind)
    units: list[tuple[int, int, str]]  # (unit id, instansi id, name) — leaf and group units alike
    unit_rows: list[tuple[Any, ...]]  # (id, instansi, parent, code, name, kind, path, depth)
    unit_public: dict[int, uuid.UUID]
    unit_instansi: dict[int, int]
    admin_of: dict[int, int]  # instansi id → its admin ZI's user id
    tpi_of: dict[int, int]  # instansi id → its TPI's user id
    tim_kerja_of: dict[int, int]  # unit id → its tim kerja's user id
    national_user: int  # the TPN evaluator
    cycle_of: dict[int, int] = field(default_factory=dict)  # instansi id → cycle id
    pic_of: dict[int, int] = field(default_factory=dict)  # unit id → its head's pegawai id
    evidence_by_unit: dict[int, list[tuple[int, str, str, str]]] = field(default_factory=dict)
    # Evidence not yet linked: the LKE answers take two thirds, the realisasi the rest.
    evidence_budget: dict[int, list[tuple[int, str, str, str]]] = field(default_factory=dict)
    proposed: set[int] = field(default_factory=set)
    # For the snapshots: the proposed units' evidence per soal.
    snapshot_evidence: dict[int, dict[int, list[dict[str, str]]]] = field(default_factory=dict)
