"""Evidence files on the unit's answers: upload and attach, pick from the store, detach."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext

from apps.audit.models import AuditEvent
from apps.bukti_dukung.models import BuktiDukung
from apps.bukti_dukung.services import FILE_TYPE_NOT_ALLOWED, bukti_dukung_upload
from apps.core.errors import TransitionNotAllowed
from apps.penilaian.models import Jawaban, Tier
from apps.penilaian.services.answers import STATUS_LOCKED_UNIT
from apps.penilaian.services.review import penilaian_submit
from apps.penilaian.services.worksheet import EVIDENCE_NOT_ATTACHED, jawaban_evidence_attach
from apps.tenancy.models import Membership
from apps.tenancy.scope import scope
from tests.penilaian.conftest import PARTIAL, LKEWorld

pytestmark = pytest.mark.usefixtures("a_scope")

HTMX = {"HTTP_HX_REQUEST": "true"}
PDF = b"%PDF-1.4\n%bukti\n%%EOF\n"


def url(name: str, lke: LKEWorld, **kwargs) -> str:
    return reverse(f"penilaian:{name}", kwargs={"public_id": lke.penilaian.public_id, **kwargs})


def text(response) -> str:
    return html.unescape(response.content.decode())


def upload(client, lke: LKEWorld, soal_id: int, content: bytes = PDF, name: str = "sk-tim.pdf", htmx: bool = True):
    data = {f"s{soal_id}-up-file": SimpleUploadedFile(name, content), f"s{soal_id}-up-description": "SK"}
    return client.post(url("evidence-upload", lke, soal_id=soal_id), data, **(HTMX if htmx else {}))


def unit_row(lke: LKEWorld, soal_id: int) -> Jawaban | None:
    return Jawaban.objects.filter(penilaian=lke.penilaian, soal__portalrb_soal_id=soal_id, tier=Tier.UNIT).first()


def stored(lke: LKEWorld, name: str = "arsip.pdf") -> BuktiDukung:
    return bukti_dukung_upload(actor=lke.actor(lke.world.ani), file=SimpleUploadedFile(name, PDF))


def test_upload_attaches_a_new_file_and_keeps_the_answer_version(lke: LKEWorld, login) -> None:
    client = login(lke.world.ani)
    response = upload(client, lke, 1)
    assert response.status_code == 200
    body = text(response)
    bukti = BuktiDukung.objects.get()
    assert body.lstrip().startswith('<div id="evidence-1"')
    assert reverse("bukti_dukung:download", kwargs={"public_id": bukti.public_id}) in body
    assert "sk-tim.pdf" in body
    row = unit_row(lke, 1)
    assert list(row.evidence.all()) == [bukti]
    assert (row.answer, row.version) == (None, 0)  # evidence alone is not a saved answer
    assert AuditEvent.objects.filter(verb="jawaban.evidence_attach").count() == 1

    # The form loaded before the upload (version 0) still saves: no false conflict.
    saved = client.post(
        url("jawaban-save", lke, soal_id=1),
        {"s1-answer": "Ya", "s1-note": "", "s1-evidence_link": "", "s1-version": "0"},
        **HTMX,
    )
    assert gettext("Saved.") in text(saved)
    row.refresh_from_db()
    assert (row.answer, row.version, row.evidence.count()) == ("Ya", 1, 1)


def test_upload_without_htmx_redirects_to_the_item(lke: LKEWorld, login) -> None:
    response = upload(login(lke.world.ani), lke, 13, htmx=False)
    assert response.status_code == 302
    assert response["Location"] == url("worksheet", lke, section="pemenuhan-2") + "#soal-13"
    assert unit_row(lke, 13).evidence.count() == 1


def test_a_disallowed_file_is_refused_beside_the_field_and_nothing_is_stored(lke: LKEWorld, login) -> None:
    client = login(lke.world.ani)
    response = upload(client, lke, 1, content=b"<script>alert(1)</script>", name="bukti.pdf")
    assert response.status_code == 200
    assert str(FILE_TYPE_NOT_ALLOWED) in text(response)
    assert not BuktiDukung.objects.exists()
    assert unit_row(lke, 1) is None
    page = upload(client, lke, 1, content=b"MZ\x90\x00", name="x.pdf", htmx=False)
    assert page.status_code == 200
    assert "<html" in page.content.decode()
    assert str(FILE_TYPE_NOT_ALLOWED) in text(page)


def test_missing_file_is_a_form_error(lke: LKEWorld, login) -> None:
    response = login(lke.world.ani).post(url("evidence-upload", lke, soal_id=1), {}, **HTMX)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not BuktiDukung.objects.exists()


def test_pick_a_file_from_the_evidence_store(lke: LKEWorld, login) -> None:
    bukti = stored(lke)
    client = login(lke.world.ani)
    picker = client.get(url("evidence-attach", lke, soal_id=2), **HTMX)
    assert picker.status_code == 200
    assert "arsip.pdf" in text(picker)
    assert "<html" not in text(picker)
    full_page = client.get(url("evidence-attach", lke, soal_id=2))
    assert "<html" in text(full_page)
    assert "arsip.pdf" in text(full_page)

    response = client.post(url("evidence-attach", lke, soal_id=2), {"s2-pick-bukti": str(bukti.public_id)}, **HTMX)
    assert response.status_code == 200
    assert list(unit_row(lke, 2).evidence.all()) == [bukti]
    # Attaching twice changes nothing.
    client.post(url("evidence-attach", lke, soal_id=2), {"s2-pick-bukti": str(bukti.public_id)}, **HTMX)
    assert unit_row(lke, 2).evidence.count() == 1
    assert AuditEvent.objects.filter(verb="jawaban.evidence_attach").count() == 1


def test_a_file_of_another_instansi_cannot_be_picked(lke: LKEWorld, login) -> None:
    with scope(lke.world.instansi_b.pk):
        foreign = bukti_dukung_upload(
            actor=Membership.objects.get(user=lke.world.dodi), file=SimpleUploadedFile("rahasia-b.pdf", PDF)
        )
    client = login(lke.world.ani)
    assert "rahasia-b.pdf" not in text(client.get(url("evidence-attach", lke, soal_id=2), **HTMX))
    response = client.post(url("evidence-attach", lke, soal_id=2), {"s2-pick-bukti": str(foreign.public_id)}, **HTMX)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert unit_row(lke, 2) is None


def test_detach_removes_the_file_from_the_item_but_keeps_it_in_the_store(lke: LKEWorld, login) -> None:
    client = login(lke.world.ani)
    upload(client, lke, 1)
    bukti = BuktiDukung.objects.get()
    response = client.post(url("evidence-detach", lke, soal_id=1, bukti_id=bukti.public_id), **HTMX)
    assert response.status_code == 200
    assert "sk-tim.pdf" not in text(response)
    assert unit_row(lke, 1).evidence.count() == 0
    assert BuktiDukung.objects.filter(pk=bukti.pk).exists()
    assert AuditEvent.objects.filter(verb="jawaban.evidence_detach").count() == 1
    again = client.post(url("evidence-detach", lke, soal_id=1, bukti_id=bukti.public_id), **HTMX)
    assert str(EVIDENCE_NOT_ATTACHED) in text(again)


def test_detach_without_htmx_redirects_with_a_message(lke: LKEWorld, login) -> None:
    client = login(lke.world.ani)
    upload(client, lke, 1)
    bukti = BuktiDukung.objects.get()
    response = client.post(url("evidence-detach", lke, soal_id=1, bukti_id=bukti.public_id), follow=True)
    assert response.redirect_chain[-1][0] == url("worksheet", lke, section="pemenuhan-1") + "#soal-1"
    assert unit_row(lke, 1).evidence.count() == 0


def test_after_submission_evidence_cannot_change(lke: LKEWorld, login) -> None:
    client = login(lke.world.ani)
    upload(client, lke, 1)
    bukti = BuktiDukung.objects.get()
    penilaian_submit(actor=lke.actor(lke.world.ani), penilaian=lke.penilaian, incomplete_reason=PARTIAL)
    refused = upload(client, lke, 1, name="lagi.pdf")
    assert str(STATUS_LOCKED_UNIT) in text(refused)
    assert BuktiDukung.objects.count() == 1  # the refused file was not stored
    detach = client.post(url("evidence-detach", lke, soal_id=1, bukti_id=bukti.public_id), **HTMX)
    assert str(STATUS_LOCKED_UNIT) in text(detach)
    assert unit_row(lke, 1).evidence.count() == 1
    with pytest.raises(TransitionNotAllowed):
        jawaban_evidence_attach(actor=lke.actor(lke.world.ani), penilaian=lke.penilaian, soal=lke.soal(2), bukti=bukti)


def test_evidence_writes_are_403_for_readers_and_404_for_outsiders(lke: LKEWorld, login) -> None:
    bukti = stored(lke)
    detach = url("evidence-detach", lke, soal_id=1, bukti_id=bukti.public_id)
    for user, status in ((lke.world.evi, 403), (lke.world.dodi, 404)):
        client = login(user)
        assert upload(client, lke, 1).status_code == status
        assert client.get(url("evidence-attach", lke, soal_id=1)).status_code == status
        assert (
            client.post(url("evidence-attach", lke, soal_id=1), {"s1-pick-bukti": str(bukti.public_id)}).status_code
            == status
        )
        assert client.post(detach).status_code == status
    assert unit_row(lke, 1) is None
    assert BuktiDukung.objects.count() == 1


def test_evidence_endpoints_reject_wrong_methods(lke: LKEWorld, login) -> None:
    bukti = stored(lke)
    client = login(lke.world.ani)
    assert client.get(url("evidence-upload", lke, soal_id=1)).status_code == 405
    assert client.get(url("evidence-detach", lke, soal_id=1, bukti_id=bukti.public_id)).status_code == 405
    assert client.put(url("evidence-attach", lke, soal_id=1)).status_code == 405
