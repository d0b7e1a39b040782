"""The rencana aksi pages: forms show the service's refusal and save nothing; read-only members get
403; the heatmap and its export are for admin ZI and TPI and hold only their own instansi."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from apps.rencana_aksi.models import Kegiatan, PlanStatus, Realisasi, RencanaAksi
from apps.tenancy.scope import scope
from tests.conftest import enrol_totp
from tests.factories import CycleFactory, MembershipFactory, UserFactory
from tests.rencana_aksi.conftest import TAHUN, RAWorld


def kegiatan_post(ra: RAWorld, **overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "version": "1",
        "area": "1",
        "description": "Sosialisasi kode etik",
        "output": "Laporan",
        "indicator": "Pegawai tersosialisasi",
        "target_value": "100",
        "target_unit": "%",
        "pic": str(ra.sari.public_id),
        "months": ["3", "4"],
        "deadline": f"{TAHUN}-04-30",
        "budget": "",
        "soal": "",
        "reason": "",
    }
    data.update(overrides)
    return data


def create_url(ra: RAWorld) -> str:
    return reverse("rencana_aksi:kegiatan-create", kwargs={"public_id": ra.rencana.public_id})


def test_ani_adds_a_kegiatan_and_bad_input_is_explained_in_indonesian(ra: RAWorld, login) -> None:
    client = login(ra.world.ani)
    response = client.post(
        create_url(ra),
        kegiatan_post(ra, deadline=f"{TAHUN + 1}-01-10", pic=str(ra.outsider_pegawai.public_id)),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"Tenggat harus jatuh dalam tahun {TAHUN}." in html
    assert f"PIC harus pegawai {ra.world.unit_a1.name}." in html
    with scope(ra.world.instansi_a.pk):
        assert not Kegiatan.objects.exists()
    response = client.post(create_url(ra), kegiatan_post(ra))
    assert response.status_code == 302
    with scope(ra.world.instansi_a.pk):
        assert Kegiatan.objects.get().description == "Sosialisasi kode etik"


def test_changing_an_approved_plan_without_a_reason_saves_nothing(ra: RAWorld, login) -> None:
    kegiatan = ra.add_kegiatan()
    ra.approve()
    url = reverse("rencana_aksi:kegiatan-update", kwargs={"public_id": kegiatan.public_id})
    response = login(ra.world.ani).post(url, kegiatan_post(ra, target_value="80"))
    assert response.status_code == 200
    assert "beri alasan perubahan ini" in response.content.decode()
    with scope(ra.world.instansi_a.pk):
        kegiatan.refresh_from_db()
        assert kegiatan.target_value == 100
        assert RencanaAksi.objects.get().status == PlanStatus.APPROVED


def test_progress_over_100_is_refused_on_the_page(ra: RAWorld, login) -> None:
    kegiatan = ra.add_kegiatan(months=[3])
    ra.approve()
    url = reverse("rencana_aksi:realisasi-edit", kwargs={"public_id": kegiatan.public_id})
    response = login(ra.world.ani).post(
        url, {"version": "0", "periode": f"{TAHUN}-03", "progress": "150", "submit": "1"}
    )
    assert response.status_code == 200
    assert "Progres adalah persentase dari 0 sampai 100." in response.content.decode()
    with scope(ra.world.instansi_a.pk):
        assert not Realisasi.objects.exists()


def test_read_only_member_sees_the_plan_but_cannot_change_it(ra: RAWorld, login) -> None:
    ra.add_kegiatan()
    client = login(ra.world.evi)
    detail = client.get(reverse("rencana_aksi:rencana-detail", kwargs={"public_id": ra.rencana.public_id}))
    assert detail.status_code == 200
    assert "Sosialisasi pakta integritas" in detail.content.decode()
    assert client.post(create_url(ra), kegiatan_post(ra)).status_code == 403
    submit = reverse("rencana_aksi:rencana-submit", kwargs={"public_id": ra.rencana.public_id})
    assert client.post(submit).status_code == 403
    assert client.get(submit).status_code == 405
    approve = reverse("rencana_aksi:rencana-approve", kwargs={"public_id": ra.rencana.public_id})
    assert login(ra.world.ani).post(approve).status_code == 403  # tim kerja does not approve


def test_pimpinan_approves_from_the_page(ra: RAWorld, login) -> None:
    ra.add_kegiatan()
    login(ra.world.ani).post(reverse("rencana_aksi:rencana-submit", kwargs={"public_id": ra.rencana.public_id}))
    response = login(ra.hadi).post(
        reverse("rencana_aksi:rencana-approve", kwargs={"public_id": ra.rencana.public_id}), follow=True
    )
    assert response.status_code == 200
    with scope(ra.world.instansi_a.pk):
        assert RencanaAksi.objects.get().status == PlanStatus.APPROVED


def test_heatmap_is_for_admin_and_tpi(ra: RAWorld, login) -> None:
    ra.add_kegiatan(area=3)
    url = f"{reverse('rencana_aksi:heatmap')}?tahun={TAHUN}"
    assert login(ra.world.ani).get(url).status_code == 403
    for user in (ra.world.citra, ra.world.budi):
        response = login(user).get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert ra.world.unit_a1.name in html
        assert "?area=3" in html  # drill-down into the unit's area


def test_heatmap_export_holds_only_own_units(ra: RAWorld, login, world) -> None:
    ra.add_kegiatan()
    CycleFactory(instansi=world.instansi_b, tahun=TAHUN)
    admin_b = UserFactory(email="admin@beta.go.id")
    MembershipFactory(user=admin_b, instansi=world.instansi_b, role="admin_zi")
    enrol_totp(admin_b)
    cases = ((world.citra, world.unit_a1.name, world.unit_b1.name), (admin_b, None, world.unit_a1.name))
    for user, present, absent in cases:
        response = login(user).get(f"{reverse('rencana_aksi:heatmap-export')}?tahun={TAHUN}")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
        if present:
            assert present in names
        assert absent not in names
