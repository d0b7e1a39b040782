"""Periodic monitoring work, exactly once per ``(kind, item, period)`` (DESIGN §8).

One sweep per instansi (``rencana_aksi_sweep``, run by beat every day and safe to run any number of
times) looks at **everything due**, not at "exactly today", so a day the beat missed is caught up
by the next run:

* ``due_7``: a kegiatan not at 100 % whose deadline is 2–7 days away (period: the deadline);
* ``due_1``: … whose deadline is tomorrow or today (period: the deadline). A sweep that missed the
  whole 7-day window sends only this one (a stale "in 7 days" would be wrong);
* ``overdue``: … whose deadline has passed, once per monitoring period while it stays overdue;
* ``realisasi_missing``: a monitoring period ended (since the plan's first approval) and a kegiatan
  due in it has no submitted or verified realisasi (period: that monitoring period);
* ``weekly_digest``: to the pimpinan unit, once per ISO week (period ``2026-W49``);
* ``monthly_summary``: to admin ZI, TPI and pimpinan instansi, once per closed month;
* ``period_report``: the monitoring PDF of each approved plan for each closed period.

Two steps (issue 9: the sweep of all 50,000 units within a minute):

1. **The sweep decides and claims.** Per chunk of plans it reads only what decides what is due — the
   plans, their kegiatan's deadlines, schedules and verified progress, first approvals and reported
   realisasi, each one query — and inserts every ``PengingatKlaim`` (unique on instansi, kind, item,
   period) in one ``INSERT … ON CONFLICT DO NOTHING RETURNING``. In the same transaction it enqueues,
   through the outbox, at most ONE ``rencana_aksi_deliver`` task per unit with the ids of the claims
   it won (units grouped ``UNITS_PER_TASK`` to a task). No template is rendered and no notification
   or report row is written here.
2. **The delivery task writes and sends** (:func:`rencana_aksi_deliver_claims`, then the task sends
   and renders): under a lock on its claims it builds each message from the claimed rows (the
   kegiatan, the plan's dashboard, the monthly heatmap), renders it once per recipient in their
   language, inserts the notifications (unique per recipient, channel and key) honouring each
   person's preferences (channels, daily digest), and queues the period reports that do not exist
   yet; then it sends its pending emails (each claimed ``pending → sending``) and renders its reports
   (each claimed ``queued → rendering``).

A second sweep at the same time blocks on the unique index until the first commits, then finds the
claims taken; a retried sweep finds every claim taken. A redelivered delivery task finds its
notifications and reports already there and every email and report already claimed. If the sweep's
transaction fails, claims and tasks roll back together and the next sweep tries again.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone

from apps.notifications.models import Channel, Notification, NotificationStatus
from apps.notifications.services import channels_chosen, preferences_for, render_for, status_for
from apps.notifications.unread import unread_forget
from apps.outbox.services import outbox_enqueue_many
from apps.rencana_aksi import selectors
from apps.rencana_aksi.models import (
    Frekuensi,
    Kegiatan,
    PengaturanMonitoring,
    PengingatKlaim,
    Realisasi,
    RealisasiStatus,
    ReminderKind,
    RencanaAksi,
    RencanaAksiRevisi,
)
from apps.rencana_aksi.periods import periods_closed
from apps.rencana_aksi.reports import MONITORING_REPORT, monitoring_reports_queue_many
from apps.rencana_aksi.tasks import rencana_aksi_deliver
from apps.reports.models import Report
from apps.tenancy.models import Instansi
from apps.tenancy.roles import Cap

if TYPE_CHECKING:
    from apps.accounts.models import User

K = ReminderKind
KEGIATAN_KINDS = frozenset({K.DUE_7, K.DUE_1, K.OVERDUE, K.REALISASI_MISSING})
PLAN_CHUNK = 1000  # plans per transaction: bounds the transaction of the largest instansi
# Units per delivery task: at most one task per unit, and publishing 50,000 tasks took the sweep
# longer than deciding everything due (issue 9). Ten keeps a task short on the year's first sweep,
# when each unit also renders its catch-up monitoring reports.
UNITS_PER_TASK = 10


def item_of(kegiatan: Any) -> str:
    return f"kegiatan:{kegiatan.public_id}"


def _plan_item(rencana: RencanaAksi) -> str:
    return f"rencana:{rencana.public_id}"


def _key(kind: str, item: str, period: str) -> str:
    """The notification key of a claim: the same triple, a second guard per recipient."""
    return f"ra:{kind}:{item}:{period}"


def _last_month(today: datetime.date) -> tuple[int, str]:
    end = today.replace(day=1) - datetime.timedelta(days=1)
    return end.year, f"{end.year}-{end.month:02d}"


# -----------------------------------------------------------------------------
# Step 1: the sweep — what is due, claimed in bulk, one delivery task per unit
# -----------------------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class _Due:
    kind: str
    item: str
    period: str
    unit_id: int
    rencana_id: int | None  # None: the monthly summary (instansi-wide)


@dataclasses.dataclass(slots=True)
class _KegiatanDue:
    """What of a kegiatan decides a reminder (the sweep reads no more)."""

    pk: int
    public_id: uuid.UUID
    deadline: datetime.date
    schedule: int
    progress: int


def _due_of_plan(
    rencana: RencanaAksi,
    kegiatan: list[_KegiatanDue],
    *,
    today: datetime.date,
    frekuensi: str,
    approved_on: datetime.date | None,
    reported: set[tuple[int, str]],
) -> list[_Due]:
    """Everything due for one plan, from rows already read (no queries)."""
    due: list[_Due] = []
    unit_id = rencana.unit_id
    period_now = selectors.current_period_of(cycle=rencana.cycle, frekuensi=frekuensi, today=today).code
    for k in kegiatan:
        days = (k.deadline - today).days
        if k.progress >= 100 or days > 7:
            continue
        if days > 1:
            kind, period = K.DUE_7, k.deadline.isoformat()
        elif days >= 0:
            kind, period = K.DUE_1, k.deadline.isoformat()
        else:
            kind, period = K.OVERDUE, period_now
        due.append(_Due(kind, item_of(k), period, unit_id, rencana.pk))
    plan_item = _plan_item(rencana)
    if approved_on is not None:
        open_kegiatan = [k for k in kegiatan if k.progress < 100]
        for p in periods_closed(rencana.cycle.tahun, frekuensi, today):
            if p.end < approved_on:
                continue
            mask = p.mask
            for k in open_kegiatan:
                if k.schedule & mask and (k.pk, p.code) not in reported:
                    due.append(_Due(K.REALISASI_MISSING, item_of(k), p.code, unit_id, rencana.pk))
            due.append(_Due(K.PERIOD_REPORT, plan_item, p.code, unit_id, rencana.pk))
    year, week, _day = today.isocalendar()
    due.append(_Due(K.WEEKLY_DIGEST, plan_item, f"{year}-W{week:02d}", unit_id, rencana.pk))
    return due


def _monthly_summary_due(instansi_id: int, today: datetime.date, unit_id: int) -> _Due | None:
    """Once per closed month, when the month's year has a plan. Checked before the claim insert
    (which stays the guard) so an instansi already summed up costs one query."""
    tahun, period = _last_month(today)
    item = f"instansi:{instansi_id}"
    if PengingatKlaim.objects.filter(
        instansi_id=instansi_id, kind=K.MONTHLY_SUMMARY, item=item, period=period
    ).exists():
        return None
    if not RencanaAksi.objects.filter(instansi_id=instansi_id, cycle__tahun=tahun).exists():
        return None
    return _Due(K.MONTHLY_SUMMARY, item, period, unit_id, None)


def _claim_bulk(instansi_id: int, due: list[_Due]) -> dict[tuple[str, str, str], int]:
    """Insert every claim at once; return the (kind, item, period) → claim id this call inserted.
    Rows held by a concurrent sweep block here until it commits, then count as taken."""
    if not due:
        return {}
    due = sorted(due, key=lambda d: (d.kind, d.item, d.period))  # one lock order for every sweep
    now = timezone.now()
    table = PengingatKlaim._meta.db_table
    won: dict[tuple[str, str, str], int] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement of five arrays: PostgreSQL parses arrays far faster than a VALUES list
            # of 100,000 placeholders, and makes the public ids itself.
            cursor.execute(
                f"INSERT INTO {table} (public_id, instansi_id, kind, item, period, recipients, created_at) "  # noqa: S608
                "SELECT gen_random_uuid(), %s, kind, item, period, 0, %s "
                "FROM unnest(%s::varchar[], %s::varchar[], %s::varchar[]) AS due(kind, item, period) "
                "ON CONFLICT (instansi_id, kind, item, period) DO NOTHING RETURNING id, kind, item, period",
                [instansi_id, now, [d.kind for d in due], [d.item for d in due], [d.period for d in due]],
            )
            won.update({(kind, item, period): pk for pk, kind, item, period in cursor.fetchall()})
            return won
        # SQLite (the embedded mode): bounded VALUES lists, values in the column's database form.
        public_id = PengingatKlaim._meta.get_field("public_id")
        created = PengingatKlaim._meta.get_field("created_at").get_db_prep_value(now, connection)
        for start in range(0, len(due), 500):
            batch = due[start : start + 500]
            params: list[Any] = []
            for d in batch:
                params += [public_id.get_db_prep_value(uuid.uuid4(), connection), instansi_id, d.kind, d.item]
                params += [d.period, created]
            values = ", ".join(["(%s, %s, %s, %s, %s, 0, %s)"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} (public_id, instansi_id, kind, item, period, recipients, created_at) "  # noqa: S608
                f"VALUES {values} ON CONFLICT (instansi_id, kind, item, period) DO NOTHING "
                "RETURNING id, kind, item, period",
                params,
            )
            won.update({(kind, item, period): pk for pk, kind, item, period in cursor.fetchall()})
    return won


def _claim_and_enqueue(instansi_id: int, due: list[_Due], today: datetime.date, counts: Counter[str]) -> None:
    """Claim ``due`` in one statement and enqueue one delivery task per unit for the claims won,
    in one transaction (the task is published on commit, through the outbox)."""
    with transaction.atomic():
        won = _claim_bulk(instansi_id, due)
        if not won:
            return
        claims: dict[int, list[int]] = defaultdict(list)
        plans: dict[int, set[int]] = defaultdict(set)
        for d in due:
            pk = won.get((d.kind, d.item, d.period))
            if pk is None:
                continue
            counts[d.kind] += 1
            claims[d.unit_id].append(pk)
            if d.rencana_id is not None:
                plans[d.unit_id].add(d.rencana_id)
        units = [[sorted(claims[unit_id]), sorted(plans[unit_id])] for unit_id in sorted(claims)]
        outbox_enqueue_many(
            rencana_aksi_deliver.name,
            kwargs_list=[
                {"instansi_id": instansi_id, "today": today.isoformat(), "units": units[start : start + UNITS_PER_TASK]}
                for start in range(0, len(units), UNITS_PER_TASK)
            ],
        )


def _approved_on(instansi_id: int, rencana_ids: list[int]) -> dict[int, datetime.date]:
    """Each plan's first approval date."""
    return {
        row["rencana_id"]: timezone.localdate(row["at"])
        for row in RencanaAksiRevisi.objects.filter(
            instansi_id=instansi_id, rencana_id__in=rencana_ids, event=RencanaAksiRevisi.Event.APPROVED
        )
        .values("rencana_id")
        .annotate(at=Min("created_at"))
    }


def _reported(instansi_id: int, rencana_ids: list[int]) -> set[tuple[int, str]]:
    """(kegiatan id, period) with a submitted or verified realisasi."""
    return set(
        Realisasi.objects.filter(
            instansi_id=instansi_id,
            kegiatan__rencana_id__in=rencana_ids,
            status__in=[RealisasiStatus.SUBMITTED, RealisasiStatus.VERIFIED],
        ).values_list("kegiatan_id", "periode")
    )


def _frekuensi_of(instansi_id: int, plans: list[RencanaAksi]) -> dict[int, str]:
    """cycle id → the monitoring frequency of that year."""
    rows = dict(
        PengaturanMonitoring.objects.filter(
            instansi_id=instansi_id, cycle_id__in={p.cycle_id for p in plans}
        ).values_list("cycle_id", "frekuensi")
    )
    return {p.cycle_id: rows.get(p.cycle_id, Frekuensi.MONTHLY) for p in plans}


def rencana_aksi_sweep(*, instansi_id: int, today: datetime.date | None = None) -> dict[str, int]:
    """Claim every reminder and report of one instansi that is due by ``today`` (default: the local
    date) and not yet claimed, and enqueue their delivery. Returns how many items each kind claimed
    in *this* run. Must run in the instansi's scope (the task opens it).

    Set-based: a fixed number of queries per chunk of ``PLAN_CHUNK`` plans whatever the number of
    units and kegiatan, and at most one delivery task per unit."""
    today = today or timezone.localdate()
    counts: Counter[str] = Counter()
    plans = list(
        RencanaAksi.objects.filter(instansi_id=instansi_id, cycle__is_open=True, approved_revision__gt=0)
        .select_related("cycle")
        .only("id", "public_id", "unit_id", "cycle__id", "cycle__tahun")
        .order_by("pk")
    )
    frekuensi = _frekuensi_of(instansi_id, plans) if plans else {}
    # The monthly summary rides with the last plan's unit (or alone when no plan is approved).
    summary = _monthly_summary_due(instansi_id, today, plans[-1].unit_id if plans else 0)
    if not plans and summary is not None:
        _claim_and_enqueue(instansi_id, [summary], today, counts)
    for start in range(0, len(plans), PLAN_CHUNK):
        chunk = plans[start : start + PLAN_CHUNK]
        ids = [p.pk for p in chunk]
        by_plan: dict[int, list[_KegiatanDue]] = {pk: [] for pk in ids}
        for pk, public_id, rencana_id, deadline, schedule, progress in (
            Kegiatan.objects.filter(instansi_id=instansi_id, rencana_id__in=ids)
            .annotate(verified_progress=selectors.verified_progress())
            .values_list("pk", "public_id", "rencana_id", "deadline", "schedule", "verified_progress")
        ):
            by_plan[rencana_id].append(_KegiatanDue(pk, public_id, deadline, schedule, progress or 0))
        approved = _approved_on(instansi_id, ids)
        reported = _reported(instansi_id, ids)
        due: list[_Due] = []
        for rencana in chunk:
            due += _due_of_plan(
                rencana,
                by_plan[rencana.pk],
                today=today,
                frekuensi=frekuensi[rencana.cycle_id],
                approved_on=approved.get(rencana.pk),
                reported=reported,
            )
        if summary is not None and start + PLAN_CHUNK >= len(plans):
            due.append(summary)
        _claim_and_enqueue(instansi_id, due, today, counts)
    return dict(counts)


# -----------------------------------------------------------------------------
# Step 2: the delivery of one unit's claims — messages built, written, then sent
# -----------------------------------------------------------------------------


@dataclasses.dataclass
class Delivery:
    """What a delivery wrote and must now send or render."""

    notification_ids: list[int]
    report_ids: list[int]


@dataclasses.dataclass
class _Message:
    claim: PengingatKlaim
    users: list[User]
    template: str
    context: dict[str, Any]
    link: str


def _plan_messages(
    instansi: Instansi, plans: list[RencanaAksi], claims: list[PengingatKlaim], today: datetime.date
) -> list[_Message]:
    """The reminders and weekly digests of the claimed items of ``plans``, built from the database
    as it is now (a fixed number of queries whatever the number of claims)."""
    if not plans:
        return []
    ids = [p.pk for p in plans]
    kegiatan = selectors.kegiatan_with_progress_of(instansi_id=instansi.pk, rencana_ids=ids)
    by_item = {item_of(k): k for k in kegiatan}
    by_plan_item = {_plan_item(p): p for p in plans}
    of_plan: dict[int, list[Kegiatan]] = defaultdict(list)
    for k in kegiatan:
        of_plan[k.rencana_id].append(k)
    to_verify = dict(
        Realisasi.objects.filter(
            instansi_id=instansi.pk, kegiatan__rencana_id__in=ids, status=RealisasiStatus.SUBMITTED
        )
        .values("kegiatan__rencana_id")
        .annotate(n=Count("id"))
        .values_list("kegiatan__rencana_id", "n")
    )
    members: dict[tuple[int, str], list[User]] = {}

    def unit_members(rencana: RencanaAksi, capability: str) -> list[User]:
        key = (rencana.unit_id, capability)
        if key not in members:
            members[key] = selectors.unit_members_with(unit=rencana.unit, capability=capability)
        return members[key]

    plan_of = {p.pk: p for p in plans}
    messages: list[_Message] = []
    for claim in claims:
        if claim.kind in KEGIATAN_KINDS:
            k = by_item.get(claim.item)
            if k is None:
                continue  # deleted since the sweep: nothing left to remind of
            rencana = plan_of[k.rencana_id]
            pic_user = k.pic.user if k.pic is not None else None
            users = [pic_user] if pic_user is not None and pic_user.is_active else []
            users = users or unit_members(rencana, Cap.RENCANA_AKSI_EDIT)
            context: dict[str, Any] = {"kegiatan": k.description, "unit_name": rencana.unit.name}
            if claim.kind == K.REALISASI_MISSING:
                context["periode"] = claim.period
            else:
                context.update(
                    deadline=k.deadline.isoformat(),
                    days=(k.deadline - today).days,
                    progress=k.progress,  # type: ignore[attr-defined]
                )
            link = reverse("rencana_aksi:rencana-detail", kwargs={"public_id": rencana.public_id})
            messages.append(_Message(claim, users, "rencana-aksi-reminder", context, link))
        elif claim.kind == K.WEEKLY_DIGEST and claim.item in by_plan_item:
            rencana = by_plan_item[claim.item]
            board = selectors.dashboard_of(rencana=rencana, kegiatan=of_plan[rencana.pk], today=today)
            context = {
                "unit_name": rencana.unit.name,
                "tahun": rencana.cycle.tahun,
                "period": claim.period,
                "overall": board.overall,
                "overdue": len(board.overdue),
                "upcoming": len(board.upcoming),
                "to_verify": to_verify.get(rencana.pk, 0),
                "rows": [{"label": a.label, "value": a.average} for a in board.areas if a.count],
            }
            link = reverse("rencana_aksi:rencana-detail", kwargs={"public_id": rencana.public_id})
            users = unit_members(rencana, Cap.RENCANA_AKSI_APPROVE)
            messages.append(_Message(claim, users, "rencana-aksi-digest", context, link))
    return messages


def _summary_message(instansi: Instansi, claim: PengingatKlaim) -> _Message | None:
    """The monthly summary: the heatmap of the claimed month's year, to admin ZI, TPI and pimpinan."""
    tahun = int(claim.period.split("-")[0])
    cycle = selectors.cycle_of(instansi=instansi, tahun=tahun)
    if cycle is None:
        return None
    rows = selectors.heatmap(instansi=instansi, cycle=cycle)
    with_plan = [r for r in rows if r.rencana is not None]
    approved = [r for r in with_plan if r.rencana.was_approved]  # type: ignore[union-attr]
    overall = [r.overall for r in with_plan if r.overall is not None]
    mean = round(sum(overall) / len(overall)) if overall else 0
    context = {
        "tahun": cycle.tahun,
        "period": claim.period,
        "rows": [{"label": r.unit.name, "value": f"{r.overall if r.overall is not None else 0} %"} for r in with_plan]
        + [{"label": "∑", "value": f"{len(approved)}/{len(with_plan)} · {mean} %"}],
    }
    users = selectors.instansi_members_with(instansi=instansi, capability=Cap.RENCANA_AKSI_MONITOR)
    link = f"{reverse('rencana_aksi:heatmap')}?tahun={cycle.tahun}"
    return _Message(claim, users, "rencana-aksi-digest", context, link)


def _notification_rows(instansi: Instansi, messages: list[_Message]) -> list[Notification]:
    """One row per recipient and chosen channel, rendered once per recipient in their language;
    each person's preferences decide the channels and whether the email waits for their digest."""
    now = timezone.now()
    preferences = preferences_for([u for m in messages for u in m.users])
    rows: list[Notification] = []
    for message in messages:
        claim = message.claim
        key = _key(claim.kind, claim.item, claim.period)
        for user in {u.pk: u for u in message.users}.values():
            context = {
                "kind": claim.kind,
                **message.context,
                "recipient": user,
                "link": message.link,
                "site_url": settings.SITE_URL,
            }
            subject, body_text, body_html = render_for(user, message.template, context)
            preference = preferences[user.pk]
            for channel in channels_chosen((Channel.EMAIL, Channel.IN_APP), preference):
                email = channel == Channel.EMAIL
                if email and not user.email:
                    continue
                rows.append(
                    Notification(
                        instansi=instansi,
                        recipient=user,
                        channel=channel,
                        kind=f"rencana_aksi_{claim.kind}",
                        key=key,
                        subject=subject[:255],
                        body=body_text,
                        body_html=body_html if email else "",
                        link=message.link,
                        status=status_for(channel, preference),
                        sent_at=None if email else now,
                    )
                )
    return rows


def _queue_reports(instansi_id: int, plans: list[RencanaAksi], claims: list[PengingatKlaim]) -> list[int]:
    """The period reports of the claims, queued once: a redelivered task finds its reports (system
    requests of the same plan and period) and queues none again. Returns every report's id."""
    by_item = {_plan_item(p): p for p in plans}
    wanted = [(by_item[c.item], c.period) for c in claims if c.kind == K.PERIOD_REPORT and c.item in by_item]
    if not wanted:
        return []
    existing = {
        (params["rencana"], params["periode"]): pk
        for pk, params in Report.objects.filter(
            instansi_id=instansi_id,
            kind=MONITORING_REPORT,
            requested_by__isnull=True,
            params__rencana__in=sorted({str(rencana.public_id) for rencana, _periode in wanted}),
        ).values_list("pk", "params")
    }
    missing = [(r, periode) for r, periode in wanted if (str(r.public_id), periode) not in existing]
    queued = monitoring_reports_queue_many(instansi_id=instansi_id, wanted=missing)
    return sorted([*existing.values(), *(report.pk for report in queued)])


def rencana_aksi_deliver_claims(
    *, instansi_id: int, claim_ids: list[int], rencana_ids: list[int], today: datetime.date
) -> Delivery:
    """Write what one unit's claims promise: its notifications (rendered, per preferences) and its
    period reports. Returns the pending emails and the reports for the caller to send and render.
    Idempotent: the claims are locked first, notifications are unique per recipient, channel and
    key, and reports already queued are found, not queued again. Must run in the instansi's scope."""
    instansi = Instansi.objects.get(pk=instansi_id)
    with transaction.atomic():
        claims = list(
            PengingatKlaim.objects.select_for_update().filter(instansi_id=instansi_id, pk__in=claim_ids).order_by("pk")
        )
        if not claims:
            return Delivery([], [])
        plans = list(
            RencanaAksi.objects.filter(instansi_id=instansi_id, pk__in=rencana_ids).select_related("unit", "cycle")
        )
        for plan in plans:
            plan.instansi = instansi
            plan.unit.instansi = instansi
        messages = _plan_messages(instansi, plans, claims, today)
        summary = next((c for c in claims if c.kind == K.MONTHLY_SUMMARY), None)
        if summary is not None:
            message = _summary_message(instansi, summary)
            if message is not None:
                messages.append(message)
        rows = _notification_rows(instansi, messages)
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        # bulk_create sends no signals: the recipients' cached unread counts go by hand.
        unread_forget(
            instansi_id=instansi_id, user_ids=[row.recipient_id for row in rows if row.channel == Channel.IN_APP]
        )
        for message in messages:
            message.claim.recipients = len({u.pk for u in message.users})
        PengingatKlaim.objects.bulk_update([m.claim for m in messages], ["recipients"])
        report_ids = _queue_reports(instansi_id, plans, claims)
        keys = [_key(c.kind, c.item, c.period) for c in claims if c.kind != K.PERIOD_REPORT]
        emails = sorted(
            Notification.objects.filter(
                instansi_id=instansi_id, channel=Channel.EMAIL, status=NotificationStatus.PENDING, key__in=keys
            ).values_list("pk", flat=True)
        )
    return Delivery(emails, report_ids)
