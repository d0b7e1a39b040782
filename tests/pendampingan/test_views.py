"""The pages: a risk recorded through the form (and refused without an owner), the plan page lists
unanswered high risks, a pokja member asks about an LKE soal and the TPI answers, the worksheet
shows the suggestion; outsiders get 404 and tenant members no national view."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.pendampingan.models import Konsultasi, Risiko
from tests.pendampingan.conftest import PDWorld


def test_the_unit_records_a_risk_and_the_plan_shows_it_until_a_kegiatan_answers(
    pd: PDWorld, login: Callable[[User], Client]
) -> None:
    ani = login(pd.world.ani)
    hub = reverse("pendampingan:risiko-create", kwargs={"public_id": pd.world.unit_a1.public_id, "tahun": pd.tahun})
    data = {"jenis": "korupsi", "title": "Pungli loket", "cause": "Tatap muka", "likelihood": "5", "impact": "4"}
    refused = ani.post(hub, data)
    assert refused.status_code == 200
    assert "Setiap risiko harus punya pemilik" in refused.content.decode()
    assert not Risiko.unscoped.exists()
    assert ani.post(hub, {**data, "owner": str(pd.joko.public_id)}).status_code == 302
    plan = ani.get(reverse("rencana_aksi:rencana-detail", kwargs={"public_id": pd.rencana.public_id}))
    assert "Risiko tinggi yang belum dijawab kegiatan" in plan.content.decode()
    assert "Pungli loket" in plan.content.decode()
    assert login(pd.world.dodi).get(hub).status_code == 404

    # Changing it: a form built before someone else's change is a conflict that keeps the input.
    risiko = Risiko.unscoped.get()
    edit = reverse("pendampingan:risiko-update", kwargs={"public_id": risiko.public_id})
    changed = {**data, "owner": str(pd.joko.public_id), "version": "1"}
    assert ani.post(edit, {**changed, "mitigation": "Loket daring"}).status_code == 302
    stale = ani.post(edit, {**changed, "mitigation": "Ketikan saya"})
    assert "Pengguna lain telah menyimpan" in stale.content.decode()
    assert "Ketikan saya" in stale.content.decode()
    risiko.refresh_from_db()
    assert (risiko.mitigation, risiko.version) == ("Loket daring", 2)


def test_a_pokja_member_asks_about_a_soal_and_the_tpi_answers(pd: PDWorld, login: Callable[[User], Client]) -> None:
    sari = login(pd.sari_user)
    ask = reverse("pendampingan:konsultasi-create", kwargs={"public_id": pd.world.unit_a1.public_id, "tahun": pd.tahun})
    response = sari.post(ask, {"subject": "Soal 1", "soal": "1", "body": "Apakah SK cukup?"})
    assert response.status_code == 302
    thread = Konsultasi.unscoped.get()
    assert thread.soal.portalrb_soal_id == 1
    budi = login(pd.world.budi)
    detail = reverse("pendampingan:konsultasi-detail", kwargs={"public_id": thread.public_id})
    assert (
        budi.post(
            reverse("pendampingan:konsultasi-reply", kwargs={"public_id": thread.public_id}), {"body": "Cukup."}
        ).status_code
        == 302
    )
    page = sari.get(detail).content.decode()
    assert "Cukup." in page
    assert 'data-testid="thread-status">Dijawab<' in page
    assert login(pd.world.dodi).get(detail).status_code == 404
    assert budi.get(reverse("pendampingan:tpn-list")).status_code == 403


def test_the_worksheet_offers_the_teams_suggestion(pd: PDWorld, login: Callable[[User], Client]) -> None:
    page = login(pd.world.ani).get(
        reverse("penilaian:worksheet", kwargs={"public_id": pd.lke.penilaian.public_id}), follow=True
    )
    html = page.content.decode()
    assert 'data-testid="pd-suggest-1"' in html
    assert "Catatan ZI menyarankan <strong>Tidak</strong>" in html


def test_a_refused_core_service_names_its_field_and_keeps_the_input(
    pd: PDWorld, login: Callable[[User], Client]
) -> None:
    """Issue 21: "Isian ini wajib diisi." twice above a cleared form, no field named."""
    from apps.pendampingan.models import LayananUtama

    ani = login(pd.world.ani)
    url = reverse("pendampingan:layanan-add", kwargs={"public_id": pd.world.unit_a1.public_id, "tahun": pd.tahun})
    refused = ani.post(url, {"layanan-name": "", "layanan-volume": "120", "layanan-description": "Loket izin"})
    body = refused.content.decode()
    assert refused.status_code == 400
    assert 'id="id_layanan-name_error"' in body  # beside "Layanan utama", not above the page
    assert 'value="120"' in body
    assert "Loket izin" in body
    negative = ani.post(url, {"layanan-name": "Izin usaha", "layanan-volume": "-5"})
    assert negative.status_code == 400
    assert 'id="id_layanan-volume_error"' in negative.content.decode()
    assert 'value="Izin usaha"' in negative.content.decode()
    assert not LayananUtama.unscoped.exists()
    assert ani.post(url, {"layanan-name": "Izin usaha", "layanan-volume": "120"}).status_code == 302
    assert LayananUtama.unscoped.get().volume == 120
