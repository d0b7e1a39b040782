"""Speed: the worksheet page, the detail page and the list use a constant number of queries
whatever is answered (issue §8). Evidence and returns are included so their queries count too."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.bukti_dukung.services import bukti_dukung_upload
from apps.lke.models import Soal
from apps.penilaian.models import ItemReturn, Jawaban, Tier
from tests.penilaian.conftest import LKEWorld

pytestmark = pytest.mark.usefixtures("a_scope")

PDF = b"%PDF-1.4\n%bukti\n%%EOF\n"


def valid_answer(soal: Soal) -> str:
    if soal.options:
        return soal.options[0]["key"]
    return "3.5" if soal.answer_type == "NILAI_0_4" else "4"  # equal counts never contradict


def fill(lke: LKEWorld, count: int) -> None:
    """Answer the first ``count`` soal (replacing what is there), with evidence on every fifth."""
    Jawaban.objects.filter(penilaian=lke.penilaian).delete()
    soal_list = list(Soal.objects.filter(template=lke.template).order_by("order")[:count])
    rows = Jawaban.objects.bulk_create(
        Jawaban(
            instansi=lke.world.instansi_a,
            penilaian=lke.penilaian,
            soal=soal,
            tier=Tier.UNIT,
            answer=valid_answer(soal),
            note=f"catatan {soal.portalrb_soal_id}",
            updated_by=lke.world.ani,
        )
        for soal in soal_list
    )
    bukti = bukti_dukung_upload(actor=lke.actor(lke.world.ani), file=SimpleUploadedFile("sk.pdf", PDF))
    for row in rows[::5]:
        row.evidence.add(bukti)
    if rows:
        ItemReturn.objects.get_or_create(
            instansi=lke.world.instansi_a,
            penilaian=lke.penilaian,
            soal=soal_list[0],
            defaults={"level": 1, "note": "perbaiki", "returned_by": lke.world.budi},
        )


def count_queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    "page",
    [
        lambda lke: reverse("penilaian:worksheet", args=[lke.penilaian.public_id, "pemenuhan-1"]),
        lambda lke: reverse("penilaian:worksheet", args=[lke.penilaian.public_id, "reform-5"]),
        lambda lke: reverse("penilaian:penilaian-detail", args=[lke.penilaian.public_id]),
        lambda lke: reverse("penilaian:penilaian-list"),
    ],
    ids=["worksheet-pemenuhan-1", "worksheet-reform-5", "detail", "list"],
)
def test_page_queries_do_not_grow_with_the_answers(lke: LKEWorld, login, page, django_assert_num_queries) -> None:
    client = login(lke.world.ani)
    path = page(lke)
    client.get(path)  # warm the per-process template cache, as any running server has it
    baseline = count_queries(client, path)
    assert baseline <= 20
    for answered in (10, 127):
        fill(lke, answered)
        assert Jawaban.objects.filter(penilaian=lke.penilaian, answer__isnull=False).count() == answered
        with django_assert_num_queries(baseline):
            response = client.get(path)
        assert response.status_code == 200
