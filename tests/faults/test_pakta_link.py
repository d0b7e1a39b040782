"""Crash drill on the pakta signing-link email (issue 19 item 3): nothing is mailed that a rollback
can undo, and a request a crash left unsent is asked again by the next sweep.

The worker is killed with SIGKILL after the mail server accepted the link email and before the
request was marked sent. The link in that email must work (it was committed before the email
left), and the sweep must finish the request — with the same link and Message-ID — even when the
broker's copy of the task is gone.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import redis
from django.test import override_settings

from apps.pencanangan import reminders, services
from apps.pencanangan.models import PaktaIntegritas, PaktaRequest, RequestStatus
from apps.pencanangan.tasks import pakta_request_send
from tests.conftest import World
from tests.faults.smtp import SmtpCatcher
from tests.faults.workers import TIME_LIMIT, start_worker
from tests.notifications.worker import wait_until
from tests.outbox.conftest import OwnRedis
from tests.pencanangan.conftest import make_roster
from tests.penilaian.conftest import open_cycle_now

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://\S+/pakta/t/([A-Za-z0-9_-]+)/")


def _status(request: PaktaRequest) -> str:
    request.refresh_from_db()
    return request.status


def test_a_link_email_cut_off_by_a_kill_still_signs_and_the_sweep_finishes_it(
    world: World, in_scope, own_broker: OwnRedis, tmp_path: Path
) -> None:
    cycle = open_cycle_now(world.instansi_a)
    [pegawai] = make_roster(world, count=1)
    request = PaktaRequest.unscoped.create(instansi=world.instansi_a, cycle=cycle, pegawai=pegawai, round_key="ask")
    with SmtpCatcher(hold="quit") as smtp:
        first = start_worker("first", broker_url=own_broker.url, smtp_port=smtp.port, workdir=tmp_path)
        second = None
        try:
            first.wait_ready()
            pakta_request_send.delay(instansi_id=world.instansi_a.pk, request_id=request.pk)
            wait_until(smtp.held.is_set, what="the link email to be accepted and the worker waiting at QUIT")
            first.kill()
            assert len(smtp.accepted()) == 1
            assert _status(request) == RequestStatus.SENDING
            # The crash also lost the broker's copy of the task (Redis restarted without its AOF).
            client = redis.Redis(port=own_broker.port)
            client.delete("unacked", "unacked_index")
            client.close()
            with override_settings(CELERY_TASK_TIME_LIMIT=TIME_LIMIT), in_scope(world.instansi_a):
                assert reminders.requests_resume(cycle=cycle) == 0  # still within the task's time
                time.sleep(2 * TIME_LIMIT + 0.5)
                reminders.arrivals_sweep(cycle_id=cycle.pk)
            second = start_worker("second", broker_url=own_broker.url, smtp_port=smtp.port, workdir=tmp_path)
            wait_until(lambda: _status(request) == RequestStatus.SENT, timeout=60, what="the sweep's resend")
        finally:
            first.kill()
            if second is not None:
                second.stop()
    first_copy, second_copy = smtp.accepted()
    assert first_copy["Message-ID"] == second_copy["Message-ID"] == reminders.request_message_id(request)
    assert first_copy["To"] == second_copy["To"] == pegawai.email
    tokens = {LINK.search(copy.get_payload(0).get_payload(decode=True).decode()).group(1) for copy in smtp.accepted()}
    [token] = tokens  # one link, in both copies
    # The emailed link opens and signs: it was committed before the email left.
    assert services.signing_link_resolve(token).pegawai_id == pegawai.pk
    signature = services.pakta_sign_with_link(token=token, nip=pegawai.nip, confirm=True)
    assert PaktaIntegritas.unscoped.filter(pk=signature.pk, pegawai=pegawai).exists()
