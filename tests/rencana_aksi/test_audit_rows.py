"""Every write of the rencana aksi leaves its audit row with the values before and after (issue 18:
``_audit`` kept only "after"; turning any of these writes' audit into a no-op now fails here)."""

from __future__ import annotations

from typing import Any

import pytest

from apps.audit.models import AuditEvent
from apps.rencana_aksi.models import Frekuensi, RencanaAksi
from apps.rencana_aksi.services.kegiatan import kegiatan_delete, kegiatan_save
from apps.rencana_aksi.services.plans import (
    pengaturan_monitoring_set,
    rencana_aksi_return,
    rencana_aksi_set_lead,
    rencana_aksi_submit,
)
from apps.rencana_aksi.services.realisasi import realisasi_return, realisasi_save, realisasi_submit, realisasi_verify
from apps.tenancy.scope import scope
from tests.rencana_aksi.conftest import TAHUN, RAWorld


def last(ra: RAWorld, verb: str) -> AuditEvent:
    with scope(ra.world.instansi_a.pk):
        row = AuditEvent.objects.filter(verb=verb).order_by("-seq").first()
    assert row is not None, f"no audit row {verb}"
    return row


def assert_row(row: AuditEvent, *, actor: Any, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
    assert row.actor_id == actor.pk
    if before is None:
        assert row.before is None
    else:
        assert row.before is not None
        assert {k: row.before.get(k) for k in before} == before
    assert row.after is not None
    assert {k: row.after.get(k) for k in after} == after


def test_plan_lifecycle_rows_keep_before_and_after(ra: RAWorld) -> None:
    ani, hadi = ra.world.ani, ra.hadi
    assert_row(last(ra, "rencana_aksi.create"), actor=ani, before=None, after={"tahun": TAHUN})
    kegiatan = ra.add_kegiatan()
    assert_row(last(ra, "kegiatan.create"), actor=ani, before=None, after={"area": 1, "bulan": [3, 4]})
    with scope(ra.world.instansi_a.pk):
        kegiatan_save(
            actor=ra.actor(ani),
            rencana=ra.rencana,
            kegiatan=kegiatan,
            data=ra.data(months=[3, 4, 5]),
            version=kegiatan.version,
        )
    assert_row(last(ra, "kegiatan.update"), actor=ani, before={"bulan": [3, 4]}, after={"bulan": [3, 4, 5]})

    with scope(ra.world.instansi_a.pk):
        rencana = RencanaAksi.objects.get(pk=ra.rencana.pk)
        rencana_aksi_submit(actor=ra.actor(ani), rencana=rencana)
        rencana_aksi_return(actor=ra.actor(hadi), rencana=rencana, note="Lengkapi anggaran")
    assert_row(last(ra, "rencana_aksi.submit"), actor=ani, before={"status": "draft"}, after={"status": "submitted"})
    assert_row(
        last(ra, "rencana_aksi.return"),
        actor=hadi,
        before={"status": "submitted"},
        after={"status": "draft", "note": "Lengkapi anggaran"},
    )
    ra.approve()
    assert_row(
        last(ra, "rencana_aksi.approve"), actor=hadi, before={"status": "submitted"}, after={"status": "approved"}
    )

    # A change after approval opens a revision: the revise row and the kegiatan row keep both sides.
    with scope(ra.world.instansi_a.pk):
        kegiatan.refresh_from_db()
        kegiatan_save(
            actor=ra.actor(ani),
            rencana=RencanaAksi.objects.get(pk=ra.rencana.pk),
            kegiatan=kegiatan,
            data=ra.data(months=[3, 4, 5], target_value=90),
            version=kegiatan.version,
            reason="Target disesuaikan",
        )
    assert_row(
        last(ra, "rencana_aksi.revise"),
        actor=ani,
        before={"status": "approved", "revision": 1},
        after={"status": "draft", "revision": 2},
    )
    assert_row(last(ra, "kegiatan.update"), actor=ani, before={"target": "100.00 %"}, after={"target": "90 %"})

    extra = ra.add_kegiatan(description="Kegiatan tambahan")
    with scope(ra.world.instansi_a.pk):
        kegiatan_delete(actor=ra.actor(ani), kegiatan=extra)
    row = last(ra, "kegiatan.delete")
    assert row.before["kegiatan"] == "Kegiatan tambahan"
    assert row.after is None


def test_lead_and_frequency_rows_keep_before_and_after(ra: RAWorld) -> None:
    with scope(ra.world.instansi_a.pk):
        rencana_aksi_set_lead(actor=ra.actor(ra.hadi), rencana=ra.rencana, lead=ra.world.ani)
    assert_row(
        last(ra, "rencana_aksi.set_lead"), actor=ra.hadi, before={"lead": None}, after={"lead": "ani@alfa.go.id"}
    )
    with scope(ra.world.instansi_a.pk):
        rencana_aksi_set_lead(actor=ra.actor(ra.hadi), rencana=ra.rencana, lead=None)
    assert_row(
        last(ra, "rencana_aksi.set_lead"), actor=ra.hadi, before={"lead": "ani@alfa.go.id"}, after={"lead": None}
    )


@pytest.fixture
def reported(ra: RAWorld):
    kegiatan = ra.add_kegiatan()
    ra.approve()
    with scope(ra.world.instansi_a.pk):
        kegiatan.refresh_from_db()
        realisasi = realisasi_save(
            actor=ra.actor(ra.world.ani), kegiatan=kegiatan, periode=f"{TAHUN}-03", progress=40, narrative="Awal"
        )
    return kegiatan, realisasi


def test_realisasi_rows_keep_before_and_after(ra: RAWorld, reported) -> None:
    kegiatan, realisasi = reported
    ani, hadi = ra.world.ani, ra.hadi
    assert_row(last(ra, "realisasi.create"), actor=ani, before=None, after={"progress": 40, "status": "draft"})
    with scope(ra.world.instansi_a.pk):
        realisasi_save(
            actor=ra.actor(ani),
            kegiatan=kegiatan,
            periode=f"{TAHUN}-03",
            progress=60,
            narrative="Lanjut",
            version=realisasi.version,
        )
    assert_row(
        last(ra, "realisasi.update"),
        actor=ani,
        before={"progress": 40, "narrative": "Awal"},
        after={"progress": 60, "narrative": "Lanjut"},
    )
    with scope(ra.world.instansi_a.pk):
        realisasi.refresh_from_db()
        realisasi_submit(actor=ra.actor(ani), realisasi=realisasi)
        realisasi_return(actor=ra.actor(hadi), realisasi=realisasi, note="Tambah foto")
    assert_row(last(ra, "realisasi.submit"), actor=ani, before={"status": "draft"}, after={"status": "submitted"})
    assert_row(
        last(ra, "realisasi.return"),
        actor=hadi,
        before={"status": "submitted", "return_note": ""},
        after={"status": "returned", "return_note": "Tambah foto"},
    )
    with scope(ra.world.instansi_a.pk):
        realisasi.refresh_from_db()
        realisasi_submit(actor=ra.actor(ani), realisasi=realisasi)
        realisasi_verify(actor=ra.actor(hadi), realisasi=realisasi)
    assert_row(last(ra, "realisasi.submit"), actor=ani, before={"status": "returned"}, after={"status": "submitted"})
    assert_row(
        last(ra, "realisasi.verify"),
        actor=hadi,
        before={"status": "submitted"},
        after={"status": "verified", "progress": 60},
    )


def test_frequency_row_keeps_before_and_after(ra: RAWorld) -> None:
    with scope(ra.world.instansi_a.pk):
        pengaturan_monitoring_set(actor=ra.actor(ra.world.citra), cycle=ra.cycle, frekuensi=Frekuensi.QUARTERLY)
    assert_row(
        last(ra, "rencana_aksi.frequency_set"),
        actor=ra.world.citra,
        before={"frekuensi": "monthly"},
        after={"frekuensi": "quarterly"},
    )
