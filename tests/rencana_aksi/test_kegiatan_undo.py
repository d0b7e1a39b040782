"""Issue 21, deletes everywhere: deleting a kegiatan asks first, is soft (it leaves the plan page,
the dashboard and the monitoring report), carries an "Urungkan" button, and is restored only by who
may write the kegiatan (another instansi and another unit: 404; a reader: 403). An approved plan
opens a revision for the delete (with its reason) and again for a later restore (the undo is the
reason). Every step is audited with its sides."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.core.errors import DomainError
from apps.rencana_aksi.models import Kegiatan, PlanStatus, RencanaAksi, RencanaAksiRevisi
from apps.rencana_aksi.reports import build_monitoring_context
from apps.rencana_aksi.services.kegiatan import kegiatan_restore
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from tests.factories import MembershipFactory, UserFactory
from tests.rencana_aksi.conftest import TAHUN, RAWorld


def _rows(ra: RAWorld, verb: str) -> list[AuditEvent]:
    with scope(ra.world.instansi_a.pk):
        return list(AuditEvent.objects.filter(verb=verb).order_by("seq"))


def _plan_page(client, ra: RAWorld) -> str:
    page = client.get(reverse("rencana_aksi:rencana-detail", kwargs={"public_id": ra.rencana.public_id}))
    assert page.status_code == 200
    return page.content.decode()


def _in_report(ra: RAWorld) -> list[str]:
    with scope(ra.world.instansi_a.pk):
        context = build_monitoring_context(
            instansi=ra.world.instansi_a, params={"rencana": str(ra.rencana.public_id), "periode": f"{TAHUN}-03"}
        )
    return [row["kegiatan"].description for row in context["rows"]]


def test_a_deleted_kegiatan_leaves_the_plan_and_comes_back_with_undo(ra: RAWorld, login) -> None:
    kept = ra.add_kegiatan(description="Sosialisasi kode etik", months=[3])
    gone = ra.add_kegiatan(description="Reviu SAKIP unit", months=[3], area=4)
    ani = login(ra.world.ani)
    detail = reverse("rencana_aksi:kegiatan-detail", kwargs={"public_id": gone.public_id})
    assert "Hapus “Reviu SAKIP unit”? Anda dapat mengurungkannya sesaat setelahnya." in ani.get(detail).content.decode()
    assert "Reviu SAKIP unit" in _plan_page(ani, ra)
    assert _in_report(ra) == ["Sosialisasi kode etik", "Reviu SAKIP unit"]

    deleted = ani.post(reverse("rencana_aksi:kegiatan-delete", kwargs={"public_id": gone.public_id}), follow=True)
    page = deleted.content.decode()
    restore = reverse("rencana_aksi:kegiatan-restore", kwargs={"public_id": gone.public_id})
    assert "“Reviu SAKIP unit” telah dihapus." in page
    assert f'action="{restore}"' in page  # the undo button in the message
    assert "Reviu SAKIP unit" not in _plan_page(ani, ra)
    assert "Sosialisasi kode etik" in _plan_page(ani, ra)
    assert _in_report(ra) == ["Sosialisasi kode etik"]
    assert ani.get(detail).status_code == 404
    gone.refresh_from_db()
    assert gone.deleted_at is not None
    assert gone.deleted_by == ra.world.ani

    # Who may not restore: another instansi, another unit's operator (404), a reader (403).
    rudi = UserFactory(email="rudi@alfa.go.id", name="Rudi Biro Umum")
    MembershipFactory(user=rudi, instansi=ra.world.instansi_a, unit=ra.world.unit_a2, role=Role.TIM_KERJA)
    assert login(ra.world.dodi).post(restore).status_code == 404
    assert login(rudi).post(restore).status_code == 404
    assert login(ra.world.evi).post(restore).status_code == 403
    gone.refresh_from_db()
    assert gone.deleted_at is not None

    restored = ani.post(restore)
    assert restored.status_code == 302
    assert restored["Location"] == detail
    assert "“Reviu SAKIP unit” telah dipulihkan." in ani.get(detail).content.decode()
    assert "Reviu SAKIP unit" in _plan_page(ani, ra)
    assert _in_report(ra) == ["Sosialisasi kode etik", "Reviu SAKIP unit"]
    assert ani.post(restore).status_code == 404  # nothing left to restore
    with scope(ra.world.instansi_a.pk):
        assert Kegiatan.objects.filter(rencana=ra.rencana).count() == 2
    assert kept.deleted_at is None

    [removal] = _rows(ra, "kegiatan.delete")
    assert removal.before["kegiatan"] == "Reviu SAKIP unit"
    assert removal.after is None
    [restoral] = _rows(ra, "kegiatan.restore")
    assert restoral.before is None
    assert restoral.after["kegiatan"] == "Reviu SAKIP unit"
    assert restoral.after["area"] == 4
    assert restoral.actor_id == ra.world.ani.pk


def test_on_an_approved_plan_the_delete_and_a_later_restore_each_open_a_revision(ra: RAWorld, login) -> None:
    gone = ra.add_kegiatan(description="Reviu SAKIP unit")
    ra.add_kegiatan(description="Sosialisasi kode etik")
    ra.approve()
    ani = login(ra.world.ani)
    delete = reverse("rencana_aksi:kegiatan-delete", kwargs={"public_id": gone.public_id})
    refused = ani.post(delete, {"reason": ""}, follow=True).content.decode()
    assert "Rencana sudah disetujui: beri alasan perubahan ini" in refused
    gone.refresh_from_db()
    assert gone.deleted_at is None

    assert ani.post(delete, {"reason": "Digabung dengan reviu inspektorat"}).status_code == 302
    ra.rencana.refresh_from_db()
    assert (ra.rencana.status, ra.rencana.revision) == (PlanStatus.DRAFT, 2)
    ra.approve()  # re-approved without it

    restore = reverse("rencana_aksi:kegiatan-restore", kwargs={"public_id": gone.public_id})
    assert ani.post(restore).status_code == 302
    with scope(ra.world.instansi_a.pk):
        rencana = RencanaAksi.objects.get(pk=ra.rencana.pk)
        reasons = list(
            RencanaAksiRevisi.objects.filter(rencana=rencana, event=RencanaAksiRevisi.Event.REVISED)
            .order_by("id")
            .values_list("reason", flat=True)
        )
    assert (rencana.status, rencana.revision) == (PlanStatus.DRAFT, 3)
    assert reasons == ["Digabung dengan reviu inspektorat", "Pengurungan penghapusan “Reviu SAKIP unit”."]
    gone.refresh_from_db()
    assert gone.deleted_at is None
    assert _rows(ra, "kegiatan.restore")[0].after["revision"] == 3


def test_a_service_restore_of_a_live_kegiatan_is_refused(ra: RAWorld) -> None:
    live = ra.add_kegiatan()
    with scope(ra.world.instansi_a.pk), pytest.raises(DomainError) as excinfo:
        kegiatan_restore(actor=ra.actor(ra.world.ani), kegiatan=live)
    assert str(excinfo.value) == "Kegiatan ini tidak dalam keadaan terhapus."
    assert _rows(ra, "kegiatan.restore") == []
