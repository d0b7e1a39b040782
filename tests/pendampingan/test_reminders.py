"""Follow-up actions of an asistensi: refused without a due date or an owner; reminders exactly once
per (action, kind, period) however the sweep runs — twice, concurrently, redelivered to the real
worker — with catch-up after missed days; and the LKE suggestions from the team's records."""

from __future__ import annotations

import datetime
import threading
from collections import Counter

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from apps.audit.models import AuditEvent
from apps.notifications.models import Channel, Notification
from apps.pendampingan.models import PengingatTindakLanjut, TindakLanjut
from apps.pendampingan.reminders import pendampingan_sweep
from apps.pendampingan.services import asistensi as a_services
from apps.pendampingan.suggestions import suggestion_for
from apps.pendampingan.tasks import pendampingan_sweep as pendampingan_sweep_task
from apps.tenancy.scope import scope
from apps.timkerja import services as timkerja_services
from tests.notifications.worker import TaskLog
from tests.pendampingan.conftest import PDWorld
from tests.pendampingan.test_services import PDF

D = datetime.date


def _action(pd: PDWorld, due: D) -> TindakLanjut:
    budi = pd.actor(pd.world.budi)
    with scope(pd.world.instansi_a.pk):
        session = a_services.asistensi_create(
            actor=budi,
            unit=pd.world.unit_a1,
            cycle=pd.cycle,
            date=D(pd.tahun, 2, 10),
            topics="Rencana aksi dan LKE area 1",
            attendees=[pd.sari],
        )
        with pytest.raises(ValidationError) as excinfo:
            a_services.tindak_lanjut_add(
                actor=budi, asistensi=session, description="Unggah SK tim", owner=pd.sari, due_date=None
            )
        assert excinfo.value.message_dict["due_date"] == ["Setiap tindak lanjut harus punya tenggat."]
        with pytest.raises(ValidationError):
            a_services.tindak_lanjut_add(
                actor=budi, asistensi=session, description="Unggah SK tim", owner=pd.rina, due_date=due
            )
        assert not TindakLanjut.objects.exists()
        return a_services.tindak_lanjut_add(
            actor=budi, asistensi=session, description="Unggah SK tim", owner=pd.sari, due_date=due
        )


def _sweep(pd: PDWorld, day: D) -> dict[str, int]:
    with scope(pd.world.instansi_a.pk):
        return pendampingan_sweep(instansi_id=pd.world.instansi_a.pk, today=day)


def _claims() -> list[tuple[str, str]]:
    return sorted(PengingatTindakLanjut.unscoped.values_list("kind", "period"))


def _sari_notices(pd: PDWorld) -> Counter[str]:
    return Counter(
        Notification.unscoped.filter(recipient=pd.sari_user, channel=Channel.IN_APP).values_list("kind", flat=True)
    )


def test_reminders_catch_up_and_never_repeat(pd: PDWorld) -> None:
    action = _action(pd, D(pd.tahun, 6, 30))
    assert _sweep(pd, D(pd.tahun, 6, 20)) == {}
    assert _sweep(pd, D(pd.tahun, 6, 28)) == {"due_soon": 1}
    assert _sweep(pd, D(pd.tahun, 6, 29)) == {}  # the same due date: claimed already
    # The beat missed a week: the next run sends the overdue one (once for the ISO week).
    assert _sweep(pd, D(pd.tahun, 7, 8)) == {"overdue": 1}
    assert _sweep(pd, D(pd.tahun, 7, 9)) == {}
    week = D(pd.tahun, 7, 8).isocalendar()
    assert _claims() == [("due_soon", f"{pd.tahun}-06-30"), ("overdue", f"{week[0]}-W{week[1]:02d}")]
    assert _sari_notices(pd) == {"pendampingan_due_soon": 1, "pendampingan_overdue": 1}
    with scope(pd.world.instansi_a.pk):
        a_services.tindak_lanjut_done(actor=pd.actor(pd.sari_user), action=action, note="SK diunggah")
        done = AuditEvent.objects.get(verb="asistensi.tindak_lanjut_done")
    assert (done.before, done.after) == ({"status": "open", "note": ""}, {"status": "done", "note": "SK diunggah"})
    assert _sweep(pd, D(pd.tahun, 7, 20)) == {}  # done: no more nagging


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_time_send_once(pd: PDWorld) -> None:
    _action(pd, D(pd.tahun, 6, 30))
    start = threading.Barrier(2)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            results.append(_sweep(pd, D(pd.tahun, 7, 2)))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(results, key=len) == [{}, {"overdue": 1}]
    assert len(_claims()) == 1
    assert _sari_notices(pd) == {"pendampingan_overdue": 1}


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_redelivered_sweep_on_the_real_worker_sends_once(pd: PDWorld, running_worker: TaskLog) -> None:
    _action(pd, D(pd.tahun, 6, 30))
    kwargs = {"instansi_id": pd.world.instansi_a.pk, "today": f"{pd.tahun}-06-29"}
    first = pendampingan_sweep_task.apply_async(kwargs=kwargs)
    pendampingan_sweep_task.apply_async(kwargs=kwargs, task_id=first.id)  # as a broker redelivers it
    runs = running_worker.wait_for("pendampingan_sweep", 2)
    assert sorted((run.retval for run in runs), key=len) == [{}, {"due_soon": 1}]
    running_worker.wait_for("notification_send_email", 1)
    sari = [m for m in mail.outbox if m.to == [pd.sari_user.email]]
    assert len(sari) == 1
    assert "Unggah SK tim" in sari[0].subject


def test_the_worksheet_suggestions_come_from_the_team_records(pd: PDWorld) -> None:
    ani = pd.actor(pd.world.ani)
    penilaian = pd.lke.penilaian
    with scope(pd.world.instansi_a.pk):
        assert suggestion_for(penilaian=penilaian, portalrb_soal_id=1).value == "Tidak"
        assert suggestion_for(penilaian=penilaian, portalrb_soal_id=10).value == "C"
        assert suggestion_for(penilaian=penilaian, portalrb_soal_id=50) is None  # not mapped
        timkerja_services.tim_kerja_sk_set(
            actor=ani,
            tim=pd.tim,
            sk_number="SK/ZI/01",
            sk_date=D(pd.tahun, 1, 5),
            file=SimpleUploadedFile("sk.pdf", PDF, content_type="application/pdf"),
        )
        agen = timkerja_services.agen_add(actor=ani, tim=pd.tim, pegawai=pd.sari)
        timkerja_services.agen_add(actor=ani, tim=pd.tim, pegawai=pd.joko)
        timkerja_services.perubahan_add(
            actor=ani, agen=agen, title="Antrean daring", date=D(pd.tahun, 3, 1), integrated=True
        )
        team = suggestion_for(penilaian=penilaian, portalrb_soal_id=1)
        assert team.value == "Ya"
        assert "SK/ZI/01" in team.reason
        assert suggestion_for(penilaian=penilaian, portalrb_soal_id=10).value == "A"
        assert suggestion_for(penilaian=penilaian, portalrb_soal_id=88).value == "2"
        assert suggestion_for(penilaian=penilaian, portalrb_soal_id=89).value == "1"
        assert suggestion_for(penilaian=penilaian, portalrb_soal_id=91).value == "1"
        # Pakta coverage: nobody of A1's three pegawai has signed.
        assert suggestion_for(penilaian=penilaian, portalrb_soal_id=12).value == "D"
