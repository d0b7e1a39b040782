"""Evidence: the bukti dukung rows and their small files under the media root."""

from __future__ import annotations

import hashlib
import time
import uuid
from pathlib import Path
from typing import Any

from seed.config import N_EVIDENCE, NOW, log
from seed.country import Country
from seed.pg import copy_rows
from seed.shape import minimal_pdf

BUKTI_COLUMNS = [
    "id", "public_id", "file", "original_name", "kind", "size", "sha256", "description", "created_at",
    "instansi_id", "replaces_id", "uploaded_by_id",
]  # fmt: skip


def seed_evidence(cursor: Any, country: Country, media_root: Path) -> None:
    """``N_EVIDENCE`` small PDFs spread over the units, each written under the media root."""
    units, tim_kerja_of = country.units, country.tim_kerja_of
    t0 = time.perf_counter()
    evidence_by_unit: dict[int, list[tuple[int, str, str, str]]] = {}
    per_unit_evidence = max(1, N_EVIDENCE // len(units))
    bukti_id = 0
    bukti_rows: list[tuple[Any, ...]] = []
    for index, (uid, inst, _n) in enumerate(units):
        count = per_unit_evidence + (1 if index < N_EVIDENCE - per_unit_evidence * len(units) else 0)
        for n in range(count):
            bukti_id += 1
            public_id = uuid.uuid4()
            content = minimal_pdf(public_id.hex)
            digest = hashlib.sha256(content).hexdigest()
            relative = f"instansi/{inst}/bukti/{public_id.hex}.pdf"
            path = media_root / relative
            if n == 0:
                path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            name = f"bukti-{uid}-{n + 1}.pdf"
            bukti_rows.append(
                (
                    bukti_id,
                    public_id,
                    relative,
                    name,
                    "pdf",
                    len(content),
                    digest,
                    "",
                    NOW,
                    inst,
                    None,
                    tim_kerja_of[uid],
                )
            )
            evidence_by_unit.setdefault(uid, []).append((bukti_id, str(public_id), name, digest))
        if len(bukti_rows) >= 50_000:
            copy_rows(cursor, "bukti_dukung_buktidukung", BUKTI_COLUMNS, bukti_rows)
            bukti_rows = []
    copy_rows(cursor, "bukti_dukung_buktidukung", BUKTI_COLUMNS, bukti_rows)
    log(f"{bukti_id} evidence records and files ({time.perf_counter() - t0:.0f} s)")
    country.evidence_by_unit = evidence_by_unit
