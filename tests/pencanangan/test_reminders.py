"""Requests to sign go out exactly once per pegawai per round, on the real broker and a real
worker, however often a task is delivered; pegawai who arrive later are asked by the sweep."""

from __future__ import annotations

import pytest
from django.core import mail

from apps.notifications.models import Channel, Notification
from apps.pencanangan import reminders, services
from apps.pencanangan.models import PaktaRequest, RequestStatus
from apps.pencanangan.tasks import pakta_arrivals_sweep, pakta_request_send, pakta_round_dispatch
from apps.tenancy.models import Membership
from apps.unit_kerja.models import Pegawai
from tests.factories import PegawaiFactory
from tests.notifications.worker import TaskLog
from tests.pencanangan.conftest import PaktaWorld

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_round_reaches_each_unsigned_pegawai_once_despite_redelivery(
    pakta: PaktaWorld, in_scope, running_worker: TaskLog
) -> None:
    ani = Membership.objects.get(user=pakta.world.ani)
    signed = pakta.pegawai[9]
    with in_scope(pakta.world.instansi_a):
        link = services.signing_link_create(actor=ani, pegawai=signed, cycle=pakta.cycle)
    services.pakta_sign_with_link(token=link.token, nip=signed.nip, confirm=True)

    with in_scope(pakta.world.instansi_a):
        round_ = reminders.reminder_round_start(actor=ani, unit=pakta.world.unit_a1, cycle=pakta.cycle)
    # The broker redelivers the dispatch (a retry, a worker that died before its ack).
    pakta_round_dispatch.delay(instansi_id=pakta.world.instansi_a.pk, round_id=round_.pk)
    dispatches = running_worker.wait_for("pakta_round_dispatch", 2)
    assert sorted(run.retval for run in dispatches) == [0, 9]
    sends = running_worker.wait_for("pakta_request_send", 9)
    requests = list(PaktaRequest.unscoped.filter(round_key=f"round-{round_.pk}"))
    # ...and every send task is delivered twice as well.
    for request in requests:
        pakta_request_send.delay(instansi_id=request.instansi_id, request_id=request.pk)
    sends = running_worker.wait_for("pakta_request_send", 18)
    assert sum(1 for run in sends if run.retval) == 9
    # The eight link emails leave after their links were committed, as tasks of their own.
    emails = running_worker.wait_for("pakta_link_email", 8)
    assert all(run.retval for run in emails)
    # Sari (with an account) is told in the app and by email through the notifications worker.
    running_worker.wait_for("notification_send_email", 1)

    assert len(requests) == 9
    assert set(PaktaRequest.unscoped.values_list("status", flat=True)) == {RequestStatus.SENT}
    assert signed.pk not in {r.pegawai_id for r in requests}
    recipients = sorted(address for message in mail.outbox for address in message.to)
    expected = sorted([p.email for p in pakta.pegawai[1:9]] + [pakta.sari.email])
    assert recipients == expected
    link_mails = [m for m in mail.outbox if pakta.sari.email not in m.to]
    assert all("/pakta/t/" in m.body for m in link_mails)
    assert Notification.unscoped.filter(recipient=pakta.sari, channel=Channel.IN_APP).count() == 1


def test_the_sweep_asks_a_pegawai_who_arrives_later_once(pakta: PaktaWorld, in_scope, running_worker: TaskLog) -> None:
    ani = Membership.objects.get(user=pakta.world.ani)
    with in_scope(pakta.world.instansi_a):
        round_ = reminders.reminder_round_start(actor=ani, unit=pakta.world.unit_a1, cycle=pakta.cycle)
    running_worker.wait_for("pakta_request_send", 10)
    running_worker.wait_for("pakta_link_email", 9)
    running_worker.wait_for("notification_send_email", 1)
    mail.outbox.clear()

    # A pegawai is transferred in from unit A2; another arrives in A2 (not collecting): only the first is asked.
    arriving = PegawaiFactory(unit=pakta.world.unit_a2, nip="198805052012122001", email="baru@alfa.go.id")
    PegawaiFactory(unit=pakta.world.unit_a2, nip="198805052012122002", email="lain@alfa.go.id")
    Pegawai.unscoped.filter(pk=arriving.pk).update(unit=pakta.world.unit_a1)
    for _ in range(2):  # two beat runs (or two beat processes) on the same day
        pakta_arrivals_sweep.delay(instansi_id=pakta.world.instansi_a.pk, cycle_id=pakta.cycle.pk)
    sweeps = running_worker.wait_for("pakta_arrivals_sweep", 2)
    assert sorted(run.retval for run in sweeps) == [0, 1]
    running_worker.wait_for("pakta_request_send", 11)
    running_worker.wait_for("pakta_link_email", 10)
    assert [m.to for m in mail.outbox] == [["baru@alfa.go.id"]]
    ask = PaktaRequest.unscoped.get(pegawai=arriving)
    assert ask.round_key == reminders.ASK
    assert ask.status == RequestStatus.SENT
    assert PaktaRequest.unscoped.filter(round_key=f"round-{round_.pk}").count() == 10
