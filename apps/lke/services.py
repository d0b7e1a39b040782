"""Importing the PortalRB master into a versioned LKE template (idempotent)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max

from apps.lke.models import (
    AnswerType,
    DerivedItem,
    Half,
    Komponen,
    LKENode,
    LKETemplate,
    NodeLevel,
    Scoring,
    Soal,
    ThresholdRule,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_MASTER = DATA_DIR / "portalrb_master_soal_lkezi_2026.json"
DERIVED_FILE = DATA_DIR / "derived_2026.json"
THRESHOLDS_FILE = DATA_DIR / "thresholds_default.json"

ANSWER_TYPES = {
    "YA_TIDAK": AnswerType.YA_TIDAK,
    "ABC": AnswerType.ABC,
    "ABCD": AnswerType.ABCD,
    "ABCDE": AnswerType.ABCDE,
    "jumlah": AnswerType.JUMLAH,  # the master spells it both ways
    "Jumlah": AnswerType.JUMLAH,
    "0-4": AnswerType.NILAI_0_4,
}


class MasterError(ValueError):
    """The master file cannot be imported; the message says where and why."""


@dataclass
class ImportResult:
    template: LKETemplate
    created: bool


def _canonical_hash(*documents: Any) -> str:
    digest = hashlib.sha256()
    for document in documents:
        digest.update(json.dumps(document, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def _classify(level: str, name: str, parent: LKENode | None, has_children: bool) -> tuple[str, str, int | None, str]:
    """komponen, half, area and scoring of a node, from its level, name and parent."""
    upper = name.upper()
    if level == NodeLevel.KOMPONEN:
        komponen: str = Komponen.HASIL if "HASIL" in upper else Komponen.PENGUNGKIT
        return komponen, "", None, Scoring.SUM
    if parent is None:
        raise MasterError(f"{name!r} ({level}) is not under a komponen")
    komponen = parent.komponen
    half = parent.half
    area = parent.area
    if level == NodeLevel.SUB_KOMPONEN and komponen == Komponen.PENGUNGKIT:
        half = Half.REFORM if "REFORM" in upper else Half.PEMENUHAN
    if level == NodeLevel.AREA:
        match = re.match(r"\s*(\d+)\.", name)
        if not match:
            raise MasterError(f"area perubahan without a number: {name!r}")
        area = int(match.group(1))
    if has_children:
        scoring = Scoring.SUM
    elif level == NodeLevel.SUB_KOMPONEN:
        scoring = Scoring.PER_ITEM  # hasil: each survey/capaian item × its own weight
    else:
        scoring = Scoring.AVERAGE
    return komponen, half, area, scoring


def _check_weights(node: dict[str, Any]) -> None:
    children = node.get("children") or []
    if children:
        total = sum(Decimal(str(c["bobot_maksimal"])) for c in children)
        if total != Decimal(str(node["bobot_maksimal"])):
            raise MasterError(
                f"weights of the children of {node['nama']!r} add up to {total}, not {node['bobot_maksimal']}"
            )
        for child in children:
            _check_weights(child)
    elif node.get("soals") and node["level"] == NodeLevel.SUB_KOMPONEN:
        total = sum(Decimal(str(s["bobot_maksimal"])) for s in node["soals"])
        if total != Decimal(str(node["bobot_maksimal"])):
            raise MasterError(f"item weights of {node['nama']!r} add up to {total}, not {node['bobot_maksimal']}")


@transaction.atomic
def lke_import(*, master: dict[str, Any]) -> ImportResult:
    """Import a PortalRB master (already parsed JSON). Re-importing the same content is a no-op;
    a changed master becomes a new version of the year's template."""
    if not isinstance(master, dict) or "data" not in master or "tahun" not in master:
        raise MasterError("not a PortalRB master: the keys 'tahun' and 'data' are missing")
    derived_doc = json.loads(DERIVED_FILE.read_text(encoding="utf-8"))
    thresholds_doc = json.loads(THRESHOLDS_FILE.read_text(encoding="utf-8"))
    source_hash = _canonical_hash(master, derived_doc, thresholds_doc)
    existing = LKETemplate.objects.filter(source_sha256=source_hash).first()
    if existing is not None:
        return ImportResult(existing, created=False)
    for root in master["data"]:
        _check_weights(root)
    tahun = int(master["tahun"])
    latest = LKETemplate.objects.filter(tahun=tahun).aggregate(v=Max("version"))["v"] or 0
    counter = {"order": 0, "soal": 0}
    template = LKETemplate.objects.create(
        tahun=tahun,
        version=latest + 1,
        source_sha256=source_hash,
        source_generated_at=str(master.get("generated_at", ""))[:40],
        total_soal=0,
    )
    soal_rows: list[Soal] = []
    node_by_soal: dict[int, LKENode] = {}

    def add(node: dict[str, Any], parent: LKENode | None, depth: int) -> None:
        children = node.get("children") or []
        komponen, half, area, scoring = _classify(node["level"], node["nama"], parent, bool(children))
        counter["order"] += 1
        created = LKENode.objects.create(
            template=template,
            parent=parent,
            portalrb_node_id=node["id"],
            level=node["level"],
            name=node["nama"],
            weight=Decimal(str(node["bobot_maksimal"])),
            order=counter["order"],
            komponen=komponen,
            half=half,
            area=area,
            scoring=scoring,
            depth=depth,
        )
        for soal in node.get("soals") or []:
            answer_type = ANSWER_TYPES.get(soal["jenis_jawaban"])
            if answer_type is None:
                raise MasterError(f"soal {soal['id']}: unknown jenis_jawaban {soal['jenis_jawaban']!r}")
            counter["order"] += 1
            soal_rows.append(
                Soal(
                    template=template,
                    node=created,
                    portalrb_soal_id=soal["id"],
                    text=soal["teks_pertanyaan"],
                    criteria=soal.get("kriteria_nilai") or "",
                    answer_type=answer_type,
                    weight=Decimal(str(soal.get("bobot_maksimal") or 0)),
                    options=[
                        {"key": o["key"], "label": o["label"], "multiplier": str(o["multiplier"])}
                        for o in soal.get("skema_penilaian") or []
                    ],
                    order=counter["order"],
                    excel_sheet=soal.get("excel_sheet") or "Jawaban",
                    excel_row=soal["excel_baris"],
                    excel_col_answer_unit=soal.get("excel_kolom_jawaban_unit") or "K",
                    excel_col_note_unit=soal.get("excel_kolom_catatan_unit") or "L",
                    excel_col_evidence_unit=soal.get("excel_kolom_bukti_dukung_unit") or "M",
                    excel_col_answer_tpi=soal.get("excel_kolom_jawaban_tpi") or "N",
                    excel_col_note_tpi=soal.get("excel_kolom_catatan_tpi") or "Q",
                )
            )
            node_by_soal[soal["id"]] = created
        for child in sorted(children, key=lambda c: c.get("order_index", 0)):
            add(child, created, depth + 1)

    for root in sorted(master["data"], key=lambda n: n.get("order_index", 0)):
        add(root, None, 0)
    Soal.objects.bulk_create(soal_rows)
    template.total_soal = len(soal_rows)
    template.save(update_fields=["total_soal"])
    if master.get("total_soal") is not None and int(master["total_soal"]) != len(soal_rows):
        raise MasterError(f"the master announces {master['total_soal']} soal but holds {len(soal_rows)}")

    derived_rows = []
    for index, item in enumerate(derived_doc["items"]):
        formula = item["formula"]
        anchor = formula["denominator"][0] if formula["type"] == "ratio" else formula["previous"]
        if anchor not in node_by_soal:
            raise MasterError(f"derived item {item['code']}: input soal {anchor} is not in the master")
        derived_rows.append(
            DerivedItem(
                template=template,
                node=node_by_soal[anchor],
                code=item["code"],
                text=item["text"],
                formula=formula,
                order=index,
                excel_row=item.get("excel_row"),
            )
        )
    DerivedItem.objects.bulk_create(derived_rows)
    ThresholdRule.objects.bulk_create(
        ThresholdRule(
            template=template,
            predikat=rule["predikat"],
            code=rule["code"],
            label=rule["label"],
            target=rule["target"],
            target_ref=rule.get("target_ref"),
            min_points=Decimal(rule["min_points"]) if "min_points" in rule else None,
            min_ratio=Decimal(rule["min_ratio"]) if "min_ratio" in rule else None,
            order=index,
        )
        for index, rule in enumerate(thresholds_doc["rules"])
    )
    return ImportResult(template, created=True)


def lke_import_file(path: Path) -> ImportResult:
    try:
        master = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise MasterError(f"cannot read {path}: {exc}") from exc
    return lke_import(master=master)
