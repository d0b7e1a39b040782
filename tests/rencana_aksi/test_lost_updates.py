"""No lost updates on the rencana aksi (docs/security.md V15.4): the same randomized race as
tests/core/test_lost_updates.py, on a kegiatan (draft plan) and on a realisasi (approved plan), and
the form that keeps the person's input after a conflict."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.rencana_aksi.models import Kegiatan, Realisasi
from apps.rencana_aksi.services.kegiatan import kegiatan_save
from apps.rencana_aksi.services.realisasi import realisasi_save
from apps.tenancy.scope import scope
from tests.core.test_lost_updates import ROUNDS, Target, _assert_serialisable, _race
from tests.rencana_aksi.conftest import TAHUN, RAWorld

pytestmark = pytest.mark.django_db(transaction=True)


def test_random_concurrent_edits_of_kegiatan_and_realisasi_never_overwrite_silently(ra: RAWorld) -> None:
    kegiatan = ra.add_kegiatan()
    ani = ra.actor(ra.world.ani)

    def kegiatan_read() -> tuple[int, str]:
        row = Kegiatan.objects.get(pk=kegiatan.pk)
        return row.version, row.description

    def kegiatan_write(version: int, value: str) -> int:
        saved = kegiatan_save(
            actor=ani, rencana=ra.rencana, kegiatan=kegiatan, data=ra.data(description=value), version=version
        )
        return saved.version

    def realisasi_read() -> tuple[int, str]:
        row = Realisasi.objects.filter(kegiatan=kegiatan, periode=f"{TAHUN}-03").first()
        return (row.version, row.narrative) if row else (0, "")

    def realisasi_write(version: int, value: str) -> int:
        saved = realisasi_save(
            actor=ani, kegiatan=kegiatan, periode=f"{TAHUN}-03", progress=40, narrative=value, version=version
        )
        return saved.version

    instansi_id = ra.world.instansi_a.pk
    for target in [Target("kegiatan", kegiatan_read, kegiatan_write)]:
        for seed in range(ROUNDS):
            start, outcomes = _race(target, instansi_id, seed)
            _assert_serialisable(target, instansi_id, start, outcomes, seed)
    ra.approve()
    with scope(instansi_id):
        kegiatan.refresh_from_db()
    target = Target("realisasi", realisasi_read, realisasi_write)
    for seed in range(ROUNDS):
        start, outcomes = _race(target, instansi_id, seed)
        _assert_serialisable(target, instansi_id, start, outcomes, seed)


def test_a_stale_kegiatan_form_keeps_the_input_and_saves_nothing(ra: RAWorld, login) -> None:
    kegiatan = ra.add_kegiatan()
    client = login(ra.world.ani)
    url = reverse("rencana_aksi:kegiatan-update", kwargs={"public_id": kegiatan.public_id})
    form = {
        "version": "1",
        "area": "1",
        "description": "Versi saya yang diketik lama",
        "output": "Laporan",
        "indicator": "Persentase",
        "target_value": "100",
        "target_unit": "%",
        "pic": str(ra.sari.public_id),
        "months": ["3"],
        "deadline": f"{TAHUN}-04-30",
    }
    # Someone else saves first (version 1 → 2).
    with scope(ra.world.instansi_a.pk):
        kegiatan_save(
            actor=ra.actor(ra.world.ani),
            rencana=ra.rencana,
            kegiatan=kegiatan,
            data=ra.data(description="Versi lain"),
            version=1,
        )
    stale = client.post(url, form)
    body = stale.content.decode()
    assert stale.status_code == 200
    assert "Pengguna lain telah menyimpan" in body
    assert "Versi saya yang diketik lama" in body
    assert 'name="version" value="2"' in body
    with scope(ra.world.instansi_a.pk):
        assert Kegiatan.objects.get(pk=kegiatan.pk).description == "Versi lain"
    # A deliberate second submit, now from version 2, wins.
    assert client.post(url, {**form, "version": "2"}).status_code == 302
    with scope(ra.world.instansi_a.pk):
        assert Kegiatan.objects.get(pk=kegiatan.pk).description == "Versi saya yang diketik lama"
