"""A PortalRB world on top of the penilaian world: instansi A proposes A1 for WBK (answers by the
unit and two TPI tiers, one evidence file) and A2 for WBBM-AFIRMASI; instansi B proposes B1.
Each proposal has one current frozen snapshot, as the pengusulan app would make on submit."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.bukti_dukung.models import BuktiDukung
from apps.bukti_dukung.services import bukti_dukung_upload
from apps.lke.services import DEFAULT_MASTER
from apps.pengusulan.models import Pengusulan, PengusulanSnapshot, PengusulanStatus
from apps.pengusulan.snapshot import snapshot_build, snapshot_hash
from apps.penilaian.models import Jawaban, Penilaian, Tier
from apps.portalrb.services import portalrb_token_issue
from apps.tenancy.models import Membership
from apps.tenancy.scope import scope
from tests.conftest import World
from tests.penilaian.conftest import LKEWorld, lke, open_cycle_now  # noqa: F401  (fixture re-exported)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def master_soal_ids() -> set[int]:
    """Every ``soals[].id`` of PortalRB's master file, read straight from the JSON."""
    ids: set[int] = set()

    def walk(node: dict) -> None:
        ids.update(int(s["id"]) for s in node.get("soals", []))
        for child in node.get("children", []):
            walk(child)

    for root in json.loads(Path(DEFAULT_MASTER).read_text())["data"]:
        walk(root)
    return ids


def propose(penilaian: Penilaian, *, predikat: str, afirmasi: bool = False, by, status=PengusulanStatus.PROPOSED):
    """A pengusulan with its current snapshot, frozen from the live answers now."""
    with scope(penilaian.instansi_id):
        pengusulan = Pengusulan.objects.create(
            instansi_id=penilaian.instansi_id,
            cycle=penilaian.cycle,
            unit=penilaian.unit,
            penilaian=penilaian,
            predikat=predikat,
            afirmasi=afirmasi,
            status=status,
            proposed_at=timezone.now() if status == PengusulanStatus.PROPOSED else None,
        )
        freeze(pengusulan, by=by)
    return pengusulan


def freeze(pengusulan: Pengusulan, *, by, reason: str = "") -> PengusulanSnapshot:
    """A (new) current snapshot: the previous one stops being current, as a correction does."""
    with scope(pengusulan.instansi_id):
        data = snapshot_build(
            penilaian=pengusulan.penilaian, predikat=pengusulan.predikat, afirmasi=pengusulan.afirmasi
        )
        number = PengusulanSnapshot.objects.filter(pengusulan=pengusulan).count() + 1
        PengusulanSnapshot.objects.filter(pengusulan=pengusulan).update(is_current=False)
        return PengusulanSnapshot.objects.create(
            instansi_id=pengusulan.instansi_id,
            pengusulan=pengusulan,
            number=number,
            data=data,
            sha256=snapshot_hash(data),
            created_by=by,
            reason=reason,
        )


@dataclass
class PRBWorld:
    lke: LKEWorld
    wbk: Pengusulan
    wbbm: Pengusulan
    b1: Pengusulan
    bukti: BuktiDukung
    token_a: str
    token_b: str

    @property
    def world(self) -> World:
        return self.lke.world


def answer(penilaian: Penilaian, soal, tier: str, level: int, value: str, note: str = "", link: str = "") -> Jawaban:
    return Jawaban.objects.create(
        instansi_id=penilaian.instansi_id,
        penilaian=penilaian,
        soal=soal,
        tier=tier,
        level=level,
        answer=value,
        note=note,
        evidence_link=link,
    )


@pytest.fixture
def prb(lke: LKEWorld) -> PRBWorld:  # noqa: F811  (the lke fixture)
    world = lke.world
    with scope(world.instansi_a.pk):
        actor = Membership.objects.get(user=world.ani)
        bukti = bukti_dukung_upload(actor=actor, file=SimpleUploadedFile("sk-tim.pdf", PDF, "application/pdf"))
        first = answer(lke.penilaian, lke.soal(1), Tier.UNIT, 0, "Ya", "SK tim kerja ZI terbit Januari")
        first.evidence.add(bukti)
        answer(lke.penilaian, lke.soal(1), Tier.TPI, 1, "Ya", "Sesuai")
        answer(lke.penilaian, lke.soal(1), Tier.TPI, 2, "Tidak", "SK belum ditandatangani")
        answer(lke.penilaian, lke.soal(2), Tier.UNIT, 0, "B", "", link="https://drive.example.go.id/sop")
        answer(lke.penilaian, lke.soal(88), Tier.UNIT, 0, "12")
        # A TPI-only answer still appears (the unit left it empty).
        answer(lke.penilaian, lke.soal(3), Tier.TPI, 1, "Tidak", "")
        penilaian_a2 = Penilaian.objects.create(
            instansi=world.instansi_a, unit=world.unit_a2, cycle=lke.cycle, template=lke.template
        )
        answer(penilaian_a2, lke.soal(1), Tier.UNIT, 0, "Ya")
    wbk = propose(lke.penilaian, predikat="WBK", by=world.citra)
    wbbm = propose(penilaian_a2, predikat="WBBM", afirmasi=True, by=world.citra)
    cycle_b = open_cycle_now(world.instansi_b)
    with scope(world.instansi_b.pk):
        penilaian_b = Penilaian.objects.create(
            instansi=world.instansi_b, unit=world.unit_b1, cycle=cycle_b, template=lke.template
        )
        answer(penilaian_b, lke.soal(1), Tier.UNIT, 0, "Tidak", "rahasia B")
    b1 = propose(penilaian_b, predikat="WBK", by=world.dodi)
    with scope(world.instansi_a.pk):
        token_a = portalrb_token_issue(instansi=world.instansi_a, actor=world.citra).raw
    with scope(world.instansi_b.pk):
        token_b = portalrb_token_issue(instansi=world.instansi_b, actor=None).raw
    return PRBWorld(lke, wbk, wbbm, b1, bukti, token_a, token_b)


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)
