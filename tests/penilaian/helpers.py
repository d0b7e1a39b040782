"""Helpers of the penilaian page tests: URLs, HTMX requests, the unit's answers through the
service, and the TPI's rows."""

from __future__ import annotations

import html

from django.test import Client
from django.urls import reverse

from apps.penilaian.models import Jawaban, Tier
from apps.penilaian.services.answers import jawaban_save
from apps.penilaian.services.review import item_return, penilaian_send_back, penilaian_submit
from tests.penilaian.conftest import PARTIAL, LKEWorld

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return html.unescape(response.content.decode())


def url(name: str, lke: LKEWorld, **kwargs) -> str:
    return reverse(f"penilaian:{name}", kwargs={"public_id": lke.penilaian.public_id, **kwargs})


def answer(lke: LKEWorld, soal_id: int, value: str | None, *, user=None, note: str = "") -> Jawaban:
    """Save through the service, as another request would have."""
    row = Jawaban.objects.filter(penilaian=lke.penilaian, soal__portalrb_soal_id=soal_id, tier=Tier.UNIT).first()
    return jawaban_save(
        actor=lke.actor(user or lke.world.ani),
        penilaian=lke.penilaian,
        soal=lke.soal(soal_id),
        answer=value,
        note=note,
        version=row.version if row else 0,
    )


def post_item(
    client: Client,
    lke: LKEWorld,
    soal_id: int,
    value: str,
    *,
    note: str = "",
    link: str = "",
    version: int = 0,
    htmx: bool = True,
):
    data = {
        f"s{soal_id}-answer": value,
        f"s{soal_id}-note": note,
        f"s{soal_id}-evidence_link": link,
        f"s{soal_id}-version": str(version),
    }
    return client.post(url("jawaban-save", lke, soal_id=soal_id), data, **(HTMX if htmx else {}))


def unit_row(lke: LKEWorld, soal_id: int) -> Jawaban | None:
    return Jawaban.objects.filter(penilaian=lke.penilaian, soal__portalrb_soal_id=soal_id, tier=Tier.UNIT).first()


def submit(lke: LKEWorld) -> None:
    penilaian_submit(actor=lke.actor(lke.world.ani), penilaian=lke.penilaian, incomplete_reason=PARTIAL)
    lke.penilaian.refresh_from_db()


def return_items(lke: LKEWorld, *soal_ids: int) -> None:
    """budi (TPI tier 1) returns the items and sends the LKE back: status revision."""
    budi = lke.actor(lke.world.budi)
    for soal_id in soal_ids:
        item_return(actor=budi, penilaian=lke.penilaian, soal=lke.soal(soal_id), note=f"Lampirkan SK {soal_id}")
    penilaian_send_back(actor=budi, penilaian=lke.penilaian)
    lke.penilaian.refresh_from_db()


def tpi_row(lke: LKEWorld, soal_id: int, level: int = 1) -> Jawaban | None:
    return Jawaban.unscoped.filter(
        penilaian=lke.penilaian, soal__portalrb_soal_id=soal_id, tier=Tier.TPI, level=level
    ).first()


def status(lke: LKEWorld) -> str:
    lke.penilaian.refresh_from_db()
    return lke.penilaian.status
