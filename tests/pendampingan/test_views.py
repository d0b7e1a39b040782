"""The pages: a risk recorded through the form (and refused without an owner), the plan page lists
unanswered high risks, a pokja member asks about an LKE soal and the TPI answers, the worksheet
shows the suggestion; outsiders get 404 and tenant members no national view."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.diagnosis.models import IsuStrategis, LayananUtama, Risiko
from apps.pendampingan.models import Konsultasi
from apps.tenancy.scope import scope
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
    layanan = LayananUtama.unscoped.get()
    assert layanan.volume == 120
    # Its delete can be undone too.
    restore = reverse("pendampingan:layanan-restore", kwargs={"public_id": layanan.public_id})
    page = ani.post(reverse("pendampingan:layanan-delete", kwargs={"public_id": layanan.public_id}), follow=True)
    assert f'action="{restore}"' in page.content.decode()
    layanan.refresh_from_db()
    assert layanan.deleted_at is not None
    assert "“Izin usaha” telah dipulihkan." in ani.post(restore, follow=True).content.decode()
    layanan.refresh_from_db()
    assert layanan.deleted_at is None


def test_deleting_a_risk_or_an_issue_can_be_undone(pd: PDWorld, login: Callable[[User], Client]) -> None:
    """Issue 21: one click deleted for good. Now: a confirmation (data-confirm), a soft delete with
    an "Urungkan" button in the message, a restore, each step audited."""
    ani = login(pd.world.ani)
    kwargs = {"public_id": pd.world.unit_a1.public_id, "tahun": pd.tahun}
    data = {"jenis": "korupsi", "title": "Pungli loket", "cause": "Tatap muka", "likelihood": "5", "impact": "4"}
    ani.post(reverse("pendampingan:risiko-create", kwargs=kwargs), {**data, "owner": str(pd.joko.public_id)})
    ani.post(
        reverse("pendampingan:isu-add", kwargs=kwargs),
        {"isu-title": "Antrean panjang", "isu-urgency": "4", "isu-impact": "4"},
    )
    risiko, isu = Risiko.unscoped.get(), IsuStrategis.unscoped.get()
    hub = ani.get(reverse("pendampingan:hub", kwargs=kwargs)).content.decode()
    assert 'data-confirm="Hapus “Pungli loket”?' in hub

    deleted = ani.post(reverse("pendampingan:risiko-delete", kwargs={"public_id": risiko.public_id}), follow=True)
    page = deleted.content.decode()
    restore = reverse("pendampingan:risiko-restore", kwargs={"public_id": risiko.public_id})
    assert "“Pungli loket” telah dihapus." in page
    assert f'action="{restore}"' in page  # the undo button
    assert "Pungli loket</" not in page.split("zi-messages")[-1].split("</div>", 1)[1]  # gone from the register
    risiko.refresh_from_db()
    assert risiko.deleted_at is not None
    assert risiko.deleted_by == pd.world.ani
    # Others cannot restore it (the outsider: 404; a reader: 403); ani can.
    assert login(pd.world.dodi).post(restore).status_code == 404
    assert login(pd.world.evi).post(restore).status_code == 403
    restored = ani.post(restore, follow=True).content.decode()
    assert "“Pungli loket” telah dipulihkan." in restored
    risiko.refresh_from_db()
    assert risiko.deleted_at is None
    assert ani.post(restore).status_code == 404  # nothing left to restore

    ani.post(reverse("pendampingan:isu-delete", kwargs={"public_id": isu.public_id}))
    ani.post(reverse("pendampingan:isu-restore", kwargs={"public_id": isu.public_id}))
    isu.refresh_from_db()
    assert isu.deleted_at is None
    with scope(pd.world.instansi_a.pk):
        verbs = list(AuditEvent.objects.filter(verb__contains="_delete").values_list("verb", flat=True))
        verbs += list(AuditEvent.objects.filter(verb__contains="_restore").values_list("verb", flat=True))
    assert sorted(verbs) == sorted(
        ["diagnosis.risiko_delete", "diagnosis.isu_delete", "diagnosis.risiko_restore", "diagnosis.isu_restore"]
    )
