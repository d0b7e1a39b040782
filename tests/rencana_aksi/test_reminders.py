"""Reminders, digests and period reports: exactly once per (kind, item, period) however the sweep
runs — twice, concurrently, redelivered to a real worker — and catching up after missed days."""

from __future__ import annotations

import datetime
import threading
import uuid
from collections import Counter

import pytest
from django.core import mail
from django.db import connection, transaction
from django.db.models import Max
from django.test.utils import CaptureQueriesContext

from apps.notifications.models import Channel, Notification, NotificationPreference
from apps.outbox.models import OutboxMessage
from apps.rencana_aksi import reminders
from apps.rencana_aksi.models import Kegiatan, PengingatKlaim, Realisasi, RencanaAksi, RencanaAksiRevisi
from apps.rencana_aksi.reminders import Delivery, rencana_aksi_deliver_claims, rencana_aksi_sweep
from apps.rencana_aksi.tasks import rencana_aksi_deliver
from apps.rencana_aksi.tasks import rencana_aksi_sweep as rencana_aksi_sweep_task
from apps.reports.models import Report
from apps.tenancy.scope import scope
from tests.factories import UnitKerjaFactory
from tests.notifications.worker import TaskLog
from tests.rencana_aksi.conftest import TAHUN, RAWorld

D = datetime.date


def _prepare(ra: RAWorld, *, approved_on: D) -> str:
    """One kegiatan due 30 June (scheduled in June), Sari its PIC; the plan approved on ``approved_on``."""
    kegiatan = ra.add_kegiatan(months=[6], deadline=D(TAHUN, 6, 30))
    ra.approve()
    RencanaAksiRevisi.unscoped.filter(rencana=ra.rencana, event="approved").update(
        created_at=datetime.datetime(approved_on.year, approved_on.month, approved_on.day, 9, tzinfo=datetime.UTC)
    )
    return f"kegiatan:{kegiatan.public_id}"


def _deliveries_since(last_id: int) -> list[dict]:
    return [
        m.kwargs
        for m in OutboxMessage.objects.filter(id__gt=last_id, task_name=rencana_aksi_deliver.name).order_by("id")
    ]


def _last_outbox_id() -> int:
    return OutboxMessage.objects.aggregate(last=Max("id"))["last"] or 0


def _deliver(ra: RAWorld, kwargs: dict) -> list[Delivery]:
    """What a delivery task writes for each of its units (not the sending and rendering after it)."""
    with scope(ra.world.instansi_a.pk):
        return [
            rencana_aksi_deliver_claims(
                instansi_id=kwargs["instansi_id"],
                claim_ids=claim_ids,
                rencana_ids=rencana_ids,
                today=D.fromisoformat(kwargs["today"]),
            )
            for claim_ids, rencana_ids in kwargs["units"]
        ]


def _sweep(ra: RAWorld, day: D, *, deliver: bool = True) -> dict[str, int]:
    """The sweep of instansi A, then (``deliver``) the writing part of every delivery task it enqueued."""
    last = _last_outbox_id()
    with scope(ra.world.instansi_a.pk):
        counts = rencana_aksi_sweep(instansi_id=ra.world.instansi_a.pk, today=day)
    if deliver:
        for kwargs in _deliveries_since(last):
            _deliver(ra, kwargs)
    return counts


def _claims(ra: RAWorld, item: str) -> list[tuple[str, str]]:
    return sorted(PengingatKlaim.unscoped.filter(item=item).values_list("kind", "period"))


def _sari_notices(ra: RAWorld) -> Counter[str]:
    return Counter(
        Notification.unscoped.filter(recipient=ra.sari_user, channel=Channel.IN_APP).values_list("kind", flat=True)
    )


def test_catch_up_after_missed_days_and_never_twice(ra: RAWorld) -> None:
    item = _prepare(ra, approved_on=D(TAHUN, 1, 10))

    first = _sweep(ra, D(TAHUN, 6, 20))  # 10 days ahead: nothing for the kegiatan yet
    assert _claims(ra, item) == []
    assert first["monthly_summary"] == 1  # May closed: admin ZI and TPI get the summary
    assert first["period_report"] == 5  # January … May closed since the approval
    # The beat was down 21–24 June; on the 25th the 7-day reminder is still due and goes out.
    assert _sweep(ra, D(TAHUN, 6, 25)).get("due_7") == 1
    assert _sweep(ra, D(TAHUN, 6, 25)) == {}  # the same day again: everything already claimed
    assert _sweep(ra, D(TAHUN, 6, 29)).get("due_1") == 1
    # Down again on 30 June and 1 July: on the 2nd it is overdue and June closed without a realisasi.
    caught_up = _sweep(ra, D(TAHUN, 7, 2))
    assert caught_up["overdue"] == 1
    assert caught_up["realisasi_missing"] == 1
    assert caught_up["period_report"] == 1  # June's monitoring report
    assert _sweep(ra, D(TAHUN, 7, 2)) == {}

    assert _claims(ra, item) == [
        ("due_1", f"{TAHUN}-06-30"),
        ("due_7", f"{TAHUN}-06-30"),
        ("overdue", f"{TAHUN}-07"),
        ("realisasi_missing", f"{TAHUN}-06"),
    ]
    assert _sari_notices(ra) == {
        "rencana_aksi_due_7": 1,
        "rencana_aksi_due_1": 1,
        "rencana_aksi_overdue": 1,
        "rencana_aksi_realisasi_missing": 1,
    }
    # Hadi (pimpinan unit) got one digest per ISO week the sweep ran in, never two.
    digests = Notification.unscoped.filter(recipient=ra.hadi, kind="rencana_aksi_weekly_digest", channel="in_app")
    assert sorted(digests.values_list("key", flat=True)) == sorted(
        f"ra:weekly_digest:rencana:{ra.rencana.public_id}:{TAHUN}-W{week}" for week in (25, 26, 27)
    )
    reports = Report.unscoped.filter(kind="rencana_aksi_monitoring").values_list("params__periode", flat=True)
    assert sorted(reports) == [f"{TAHUN}-0{m}" for m in range(1, 7)]


def test_a_reminder_stops_once_the_kegiatan_is_done(ra: RAWorld) -> None:
    item = _prepare(ra, approved_on=D(TAHUN, 1, 10))
    kegiatan = Kegiatan.unscoped.get(rencana=ra.rencana)
    Realisasi.unscoped.create(
        instansi=ra.world.instansi_a, kegiatan=kegiatan, periode=f"{TAHUN}-06", progress=100, status="verified"
    )
    _sweep(ra, D(TAHUN, 7, 2))
    assert _claims(ra, item) == []


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_running_at_the_same_time_send_once(ra: RAWorld) -> None:
    item = _prepare(ra, approved_on=D(TAHUN, 6, 15))
    start = threading.Barrier(2)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            results.append(_sweep(ra, D(TAHUN, 6, 29)))
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
    assert len(results) == 2
    total: Counter[str] = Counter()
    for result in results:
        total.update(result)
    claims = Counter(PengingatKlaim.unscoped.values_list("kind", flat=True))
    assert claims == {"due_1": 1, "weekly_digest": 1, "monthly_summary": 1}
    assert total == claims  # every claim was made by exactly one of the two sweeps
    assert _claims(ra, item) == [("due_1", f"{TAHUN}-06-30")]
    assert _sari_notices(ra) == {"rencana_aksi_due_1": 1}
    per_key = Counter(Notification.unscoped.values_list("recipient_id", "channel", "key"))
    assert set(per_key.values()) == {1}


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_redelivered_sweep_on_the_real_worker_sends_nothing_twice(ra: RAWorld, running_worker: TaskLog) -> None:
    # Approved "today" (the real date): no closed period counts, so no PDFs are rendered here.
    _prepare(ra, approved_on=datetime.date.today())  # noqa: DTZ011  (matches the approval's own clock)
    kwargs = {"instansi_id": ra.world.instansi_a.pk, "today": f"{TAHUN}-06-25"}
    first = rencana_aksi_sweep_task.apply_async(kwargs=kwargs)
    # The same message again, as a broker redelivers it after a lost ack or a retry.
    rencana_aksi_sweep_task.apply_async(kwargs=kwargs, task_id=first.id)
    runs = running_worker.wait_for("rencana_aksi_sweep", 2)
    assert sorted(bool(run.retval) for run in runs) == [False, True]
    done = next(run.retval for run in runs if run.retval)
    assert done["due_7"] == 1
    # Every email was sent once: the approval's own (one task each) and the sweep's — Sari's
    # reminder, the digest, the summaries, all written and sent by unit A1's ONE delivery task.
    delivered = [run.retval for run in running_worker.wait_for("rencana_aksi_deliver", 1)]
    expected = Notification.unscoped.filter(channel=Channel.EMAIL).count()
    swept = Notification.unscoped.filter(channel=Channel.EMAIL, key__startswith="ra:").count()
    assert swept >= 3  # Sari's reminder, Hadi's digest, the summary to admin ZI and TPI
    assert delivered == [swept]
    running_worker.wait_for("notification_send_email", expected - swept)
    assert len(mail.outbox) == expected
    assert sum(1 for m in mail.outbox if m.to == [ra.sari_user.email]) == 1
    sari = next(m for m in mail.outbox if m.to == [ra.sari_user.email])
    assert "Sosialisasi pakta integritas" in sari.subject


def test_the_sweep_of_instansi_b_leaves_a_untouched(ra: RAWorld) -> None:
    _prepare(ra, approved_on=D(TAHUN, 1, 10))
    with scope(ra.world.instansi_b.pk):
        assert rencana_aksi_sweep(instansi_id=ra.world.instansi_b.pk, today=D(TAHUN, 7, 2)) == {}
    assert not PengingatKlaim.unscoped.exists()
    assert not Notification.unscoped.filter(kind__startswith="rencana_aksi_").exists()


def test_a_delivery_in_instansi_b_cannot_touch_as_claims(ra: RAWorld) -> None:
    """The delivery task joins the isolation rules: claim and plan ids of instansi A, delivered in
    B's scope (a forged or misrouted message), find nothing, write nothing, send nothing."""
    _prepare(ra, approved_on=D(TAHUN, 1, 10))
    last = _last_outbox_id()
    _sweep(ra, D(TAHUN, 7, 2), deliver=False)
    [kwargs] = _deliveries_since(last)
    assert rencana_aksi_deliver(**{**kwargs, "instansi_id": ra.world.instansi_b.pk}) == 0
    assert not Notification.unscoped.filter(kind__startswith="rencana_aksi_").exists()
    assert not Report.unscoped.filter(kind="rencana_aksi_monitoring").exists()
    assert set(PengingatKlaim.unscoped.values_list("recipients", flat=True)) == {0}  # A's claims untouched
    assert len(mail.outbox) == 0


def _clone_plans(ra: RAWorld, n: int, kegiatan_per_plan: int) -> None:
    """``n`` more approved plans in new units of instansi A, each with copies of A1's kegiatan."""
    template = Kegiatan.unscoped.get(rencana=ra.rencana)
    approval = RencanaAksiRevisi.unscoped.get(rencana=ra.rencana, event="approved")
    for _ in range(n):
        unit = UnitKerjaFactory(instansi=ra.world.instansi_a)
        plan = RencanaAksi.unscoped.create(
            instansi=ra.world.instansi_a,
            unit=unit,
            cycle=ra.rencana.cycle,
            status=ra.rencana.status,
            approved_revision=1,
        )
        for _ in range(kegiatan_per_plan):
            Kegiatan.unscoped.create(
                **{
                    f.attname: getattr(template, f.attname)
                    for f in Kegiatan._meta.concrete_fields
                    if f.attname not in {"id", "public_id", "rencana_id", "pic_id"}
                },
                rencana=plan,
            )
        RencanaAksiRevisi.unscoped.create(
            **{
                f.attname: getattr(approval, f.attname)
                for f in RencanaAksiRevisi._meta.concrete_fields
                if f.attname not in {"id", "public_id", "rencana_id"}
            },
            rencana=plan,
        )
    RencanaAksiRevisi.unscoped.filter(instansi=ra.world.instansi_a, event="approved").update(
        created_at=approval.created_at
    )


def _measured_sweep(ra: RAWorld, day: D) -> tuple[int, int, dict[str, int]]:
    """(queries, delivery tasks enqueued, claims) of one sweep."""
    before = OutboxMessage.objects.count()
    with CaptureQueriesContext(connection) as queries:
        counts = _sweep(ra, day, deliver=False)
    tasks = OutboxMessage.objects.count() - before
    return len(queries), tasks, counts


def test_the_sweep_is_set_based_and_enqueues_at_most_one_task_per_unit(ra: RAWorld) -> None:
    _prepare(ra, approved_on=D(TAHUN, 1, 10))
    small = _measured_sweep(ra, D(TAHUN, 7, 2))  # 1 plan, 1 kegiatan: overdue, missing, 6 reports …
    assert small[1] == 1
    _clone_plans(ra, n=4, kegiatan_per_plan=3)
    # A month later (so again a monthly summary): A1 has its next overdue, digest and report; the four
    # new plans (12 kegiatan) catch up everything since January.
    large = _measured_sweep(ra, D(TAHUN, 8, 3))
    assert large[2]["overdue"] == 13
    assert large[2]["period_report"] == 1 + 4 * 7
    assert large[2]["weekly_digest"] == 5
    assert large[1] <= 5  # at most one delivery task per unit (the new units' PICs have no login)
    assert large[0] == small[0]  # the same queries whatever the number of units and kegiatan


def test_a_redelivered_delivery_writes_nothing_twice(ra: RAWorld) -> None:
    _prepare(ra, approved_on=D(TAHUN, 1, 10))
    last = _last_outbox_id()
    _sweep(ra, D(TAHUN, 7, 2), deliver=False)
    [kwargs] = _deliveries_since(last)  # one unit, one task
    [first] = _deliver(ra, kwargs)
    rows = sorted(Notification.unscoped.values_list("recipient_id", "channel", "key"))
    reports = sorted(Report.unscoped.filter(kind="rencana_aksi_monitoring").values_list("pk", flat=True))
    assert len(reports) == 6  # January … June
    assert first.report_ids == reports
    assert first.notification_ids  # Sari's reminders, Hadi's digest, the summary
    # The same message again (a worker died after writing): the same rows, the same work to finish.
    [again] = _deliver(ra, kwargs)
    assert sorted(Notification.unscoped.values_list("recipient_id", "channel", "key")) == rows
    assert sorted(Report.unscoped.filter(kind="rencana_aksi_monitoring").values_list("pk", flat=True)) == reports
    assert again == first


def test_reminders_follow_each_persons_preferences(ra: RAWorld) -> None:
    _prepare(ra, approved_on=D(TAHUN, 6, 15))
    NotificationPreference.objects.create(user=ra.sari_user, email=False, in_app=True)
    NotificationPreference.objects.create(user=ra.hadi, email=True, in_app=True, email_digest=True)
    _sweep(ra, D(TAHUN, 6, 29))
    sari = set(Notification.unscoped.filter(recipient=ra.sari_user).values_list("kind", "channel"))
    assert sari == {("rencana_aksi_due_1", "in_app")}  # no email: she turned it off
    hadi = Notification.unscoped.get(recipient=ra.hadi, kind="rencana_aksi_weekly_digest", channel="email")
    assert hadi.status == "digest"  # waits for his daily digest email


def test_a_delivery_is_set_based_whatever_the_number_of_claims(ra: RAWorld) -> None:
    _prepare(ra, approved_on=D(TAHUN, 1, 10))

    def delivery_queries() -> tuple[int, int]:
        """(queries, claims) of unit A1's delivery after the sweep of 23 September, rolled back after."""
        with transaction.atomic():
            last = _last_outbox_id()
            _sweep(ra, D(TAHUN, 9, 23), deliver=False)
            [kwargs] = _deliveries_since(last)
            with CaptureQueriesContext(connection) as queries:
                _deliver(ra, kwargs)
            transaction.set_rollback(True)
        [(claim_ids, _plans)] = kwargs["units"]
        return len(queries), len(claim_ids)

    small = delivery_queries()
    template = Kegiatan.unscoped.get(rencana=ra.rencana)
    for _ in range(3):  # three more kegiatan like it: overdue, a realisasi missing for June
        Kegiatan.unscoped.create(
            **{f.attname: getattr(template, f.attname) for f in Kegiatan._meta.concrete_fields if f.attname != "id"}
            | {"public_id": uuid.uuid4()}
        )
    large = delivery_queries()
    assert large[1] == small[1] + 6
    assert large[0] == small[0]


def test_one_units_failure_does_not_hold_up_the_others_in_its_task(ra: RAWorld, monkeypatch) -> None:
    _prepare(ra, approved_on=D(TAHUN, 6, 15))
    _clone_plans(ra, n=1, kegiatan_per_plan=1)
    last = _last_outbox_id()
    _sweep(ra, D(TAHUN, 6, 29), deliver=False)
    [kwargs] = _deliveries_since(last)  # both units ride in one task
    assert len(kwargs["units"]) == 2
    real = reminders.rencana_aksi_deliver_claims
    attempted: list[list[int]] = []

    def first_one_fails(**unit: object) -> Delivery:
        attempted.append(unit["claim_ids"])  # type: ignore[arg-type]
        if len(attempted) == 1:
            raise RuntimeError("unit A1's delivery broke")
        return real(**unit)  # type: ignore[arg-type]

    monkeypatch.setattr(reminders, "rencana_aksi_deliver_claims", first_one_fails)
    with pytest.raises(RuntimeError, match="A1's delivery broke"):
        rencana_aksi_deliver(**kwargs)  # in-process, as the worker runs it
    assert attempted == [claim_ids for claim_ids, _plans in kwargs["units"]]  # the second unit still ran
    assert not Notification.unscoped.filter(recipient=ra.sari_user).exists()  # A1's: nothing written
    # The retry (the same message) delivers A1, and the second unit's messages are not written twice.
    monkeypatch.setattr(reminders, "rencana_aksi_deliver_claims", real)
    keys = Counter(Notification.unscoped.values_list("recipient_id", "channel", "key"))
    rencana_aksi_deliver(**kwargs)
    assert Notification.unscoped.filter(recipient=ra.sari_user, kind="rencana_aksi_due_1").count() == 2
    after = Counter(Notification.unscoped.values_list("recipient_id", "channel", "key"))
    assert set(after.values()) == {1}
    assert set(keys) <= set(after)
