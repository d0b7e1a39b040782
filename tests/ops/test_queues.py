"""Queues by kind (zi/queues.py): reports, reminders, imports and default on separate Celery queues.

Messages are read back from the real Redis broker (this run's own queues, ``zi-test-<pid>-*``), and
real embedded workers started on one queue each show that a kind is consumed only by its own
workers. The cache lives in a Redis database of its own, apart from the broker's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import yaml
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import transaction

from apps.notifications.models import Channel, NotificationStatus
from apps.notifications.services import notify
from apps.outbox.models import OutboxMessage
from apps.outbox.services import outbox_enqueue, outbox_relay_pending
from apps.reports.models import ReportStatus
from apps.reports.services import report_request
from apps.unit_kerja.reports import UNIT_PROFILE
from tests.conftest import World
from tests.notifications.factories import report_ready_context
from tests.notifications.worker import wait_until
from tests.ops.test_compose import docker_compose
from tests.reports.factories import fill_unit_profile
from zi import queues
from zi.celery import app
from zi.env import redis_other_db

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

PREFIX = settings.CELERY_TASK_DEFAULT_QUEUE  # this run's prefix, zi-test-<pid>
QUEUE = {kind: queues.queue_name(kind, PREFIX) for kind in queues.KINDS}
IMPORT_TASK = "apps.lke.tasks.lke_import_workbook"  # any ``*_import*`` task; none needs to be registered


@pytest.fixture
def broker() -> Iterator[redis.Redis]:
    app.control.purge()
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        yield client
    finally:
        app.control.purge()
        client.close()


def _waiting(client: redis.Redis, kind: str) -> list[str]:
    """The task names waiting in this run's queue of ``kind``, oldest first."""
    raw = client.lrange(QUEUE[kind], 0, -1)
    return [json.loads(item)["headers"]["task"] for item in reversed(raw)]


@pytest.mark.parametrize(
    ("task_name", "kind"),
    [
        ("apps.reports.tasks.render_report", queues.REPORTS),
        ("apps.notifications.tasks.notification_send_email", queues.REMINDERS),
        ("apps.notifications.tasks.notification_digest_send", queues.REMINDERS),
        ("apps.rencana_aksi.tasks.rencana_aksi_deliver", queues.REMINDERS),
        ("apps.rencana_aksi.tasks.rencana_aksi_sweep", queues.REMINDERS),
        ("apps.pendampingan.tasks.pendampingan_sweep", queues.REMINDERS),
        ("apps.pencanangan.tasks.pakta_request_send", queues.REMINDERS),
        ("apps.pencanangan.tasks.pakta_round_dispatch", queues.REMINDERS),
        ("apps.pencanangan.tasks.pakta_arrivals_sweep", queues.REMINDERS),
        (IMPORT_TASK, queues.IMPORTS),
        ("apps.outbox.tasks.outbox_relay", queues.DEFAULT),
        ("apps.rencana_aksi.tasks.rencana_aksi_beat", queues.DEFAULT),
        ("apps.notifications.tasks.notification_digest_beat", queues.DEFAULT),
    ],
)
def test_the_router_names_the_queue_of_each_kind(task_name: str, kind: str) -> None:
    assert app.amqp.router.route({}, task_name)["queue"].name == QUEUE[kind]


def test_every_registered_zi_task_has_a_known_queue() -> None:
    """Every ZI task routes to one of this run's four queues (no import runs as a task yet: the
    roster and LKE imports are synchronous; the ``*_import*`` route is there for the first one)."""
    app.loader.import_default_modules()
    names = [name for name in app.tasks if name.startswith("apps.")]
    assert len(names) >= 14
    routed = {app.amqp.router.route({}, name)["queue"].name for name in names}
    assert routed <= set(QUEUE.values())
    assert {QUEUE[queues.DEFAULT], QUEUE[queues.REPORTS], QUEUE[queues.REMINDERS]} <= routed


def test_the_outbox_relay_publishes_each_kind_to_its_own_queue(broker: redis.Redis) -> None:
    """Both relay paths — right after the commit, and the beat relay for rows left queued — publish
    through the router, so each message lands on its kind's queue and nowhere else."""
    with transaction.atomic():  # the on-commit path
        outbox_enqueue("apps.reports.tasks.render_report", kwargs={"instansi_id": 1, "report_id": 1})
        outbox_enqueue(
            "apps.notifications.tasks.notification_send_email", kwargs={"instansi_id": 1, "notification_id": 1}
        )
    # Rows the on-commit attempt never published (a process died): the beat relay sends them.
    for name, kwargs in [
        (IMPORT_TASK, {"instansi_id": 1}),
        ("apps.pendampingan.tasks.pendampingan_sweep", {"instansi_id": 1}),
        ("apps.outbox.tasks.outbox_relay", {}),
    ]:
        OutboxMessage.objects.create(task_name=name, args=[], kwargs=kwargs, options={})
    assert outbox_relay_pending() == 3
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert _waiting(broker, queues.REPORTS) == ["apps.reports.tasks.render_report"]
    assert _waiting(broker, queues.REMINDERS) == [
        "apps.notifications.tasks.notification_send_email",
        "apps.pendampingan.tasks.pendampingan_sweep",
    ]
    assert _waiting(broker, queues.IMPORTS) == [IMPORT_TASK]
    assert _waiting(broker, queues.DEFAULT) == ["apps.outbox.tasks.outbox_relay"]
    # Nothing went to a production-named queue of the shared Redis.
    assert broker.llen("reports") == broker.llen("reminders") == 0


class _worker_on:
    """A real embedded worker consuming only ``kinds`` (``celery worker -Q …``)."""

    def __init__(self, *kinds: str) -> None:
        self.kinds = kinds

    def __enter__(self) -> None:
        self._ctx = start_worker(
            app,
            pool="solo",
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=20,
            queues=[QUEUE[kind] for kind in self.kinds],
        )
        self._ctx.__enter__()

    def __exit__(self, *exc: Any) -> None:
        try:
            self._ctx.__exit__(*exc)
        finally:
            app.amqp.queues._consume_from = None  # the next worker consumes every queue again


def test_a_worker_per_queue_runs_only_its_own_kind(world: World, in_scope: Any, broker: redis.Redis) -> None:
    fill_unit_profile(world)
    with in_scope(world.instansi_a), transaction.atomic():
        report = report_request(
            actor=world.membership(world.ani), kind=UNIT_PROFILE, params={"unit": str(world.unit_a1.public_id)}
        )
        context, link = report_ready_context(world)
        [email] = notify(
            instansi=world.instansi_a,
            recipient=world.evi,
            kind="report_ready",
            key="antrian",
            template="report-ready",
            context=context,
            link=link,
            channels=(Channel.EMAIL,),
        )
    wait_until(lambda: _waiting(broker, queues.REPORTS) and _waiting(broker, queues.REMINDERS), what="both published")

    def report_status() -> str:
        with in_scope(world.instansi_a):
            report.refresh_from_db()
        return report.status

    with _worker_on(queues.REPORTS):  # the report worker renders; the e-mail waits for its own worker
        wait_until(lambda: report_status() in {ReportStatus.DONE, ReportStatus.FAILED}, what="the report")
    assert report.status == ReportStatus.DONE, report.error
    assert "apps.notifications.tasks.notification_send_email" in _waiting(broker, queues.REMINDERS)
    with in_scope(world.instansi_a):
        email.refresh_from_db()
    assert email.status == NotificationStatus.PENDING
    assert [m for m in mail.outbox if world.evi.email in m.to] == []

    with _worker_on(queues.REMINDERS):
        wait_until(lambda: any(world.evi.email in m.to for m in mail.outbox), what="the e-mail")
    with in_scope(world.instansi_a):
        email.refresh_from_db()
    assert email.status == NotificationStatus.SENT
    assert _waiting(broker, queues.REMINDERS) == []
    assert app.amqp.queues.consume_from.keys() == set(QUEUE.values())


def test_the_cache_has_a_redis_database_of_its_own() -> None:
    cache_url = settings.CACHES["default"]["LOCATION"]
    assert cache_url != settings.CELERY_BROKER_URL
    assert cache_url == redis_other_db(settings.CELERY_BROKER_URL)
    cache.set("antrian-probe", "ada", 30)
    key = cache.make_and_validate_key("antrian-probe")
    cache_db = redis.Redis.from_url(cache_url)
    broker_db = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        assert cache_db.exists(key) == 1
        assert broker_db.exists(key) == 0
    finally:
        cache_db.close()
        broker_db.close()


@pytest.mark.parametrize(
    ("broker_url", "cache_url"),
    [
        ("redis://redis:6379/0", "redis://redis:6379/1"),
        ("redis://redis:6379", "redis://redis:6379/1"),
        ("redis://:sandi@redis.internal:6380/15", "redis://:sandi@redis.internal:6380/0"),
    ],
)
def test_the_cache_url_is_derived_from_the_broker_url(broker_url: str, cache_url: str) -> None:
    assert redis_other_db(broker_url) == cache_url


def test_compose_runs_one_worker_per_queue() -> None:
    proc = docker_compose(
        "config", env={"SECRET_KEY": "x" * 60, "POSTGRES_PASSWORD": "compose-pw", "ALLOWED_HOSTS": "zi.example.go.id"}
    )
    assert proc.returncode == 0, proc.stderr
    services = yaml.safe_load(proc.stdout)["services"]
    consumed: dict[str, str] = {}
    for name, service in services.items():
        command = service.get("command") or []
        if command[:4] == ["celery", "-A", "zi", "worker"]:
            consumed[command[command.index("-Q") + 1]] = name
            assert service["environment"]["REDIS_CACHE_URL"] != service["environment"]["REDIS_URL"]
    production = {queues.queue_name(kind) for kind in queues.KINDS}
    assert set(consumed) == production == {"celery", "reports", "reminders", "imports"}
    assert consumed["reports"] == "worker-reports"
