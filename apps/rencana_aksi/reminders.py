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

The sweep is set-based (issue 9): per chunk of plans it reads what is due with a fixed number of
queries, inserts every ``PengingatKlaim`` row (unique on instansi, kind, item, period) in one
``INSERT … ON CONFLICT DO NOTHING RETURNING``, and — in the same transaction — creates the
notifications of the claims it won in one bulk insert, queues the period reports, and enqueues
through the outbox at most ONE delivery task per unit (``rencana_aksi_deliver``: sends that unit's
pending emails, each claimed ``pending → sending`` as ``apps.notifications`` does, and renders its
reports, each claimed by ``report_render``). A second sweep running at the same time blocks on the
unique index until the first commits and then finds the claims taken; a retried task finds every
claim taken; a redelivered delivery task finds every email and report already claimed. If the
transaction fails, claims, notifications and tasks roll back together and the next sweep tries
again. Notification keys carry the same triple, a second guard per recipient.

Preferences: the notifications app has no per-person preferences (channel, digest or immediate)
yet, so every reminder goes to both channels, immediately; the digests are separate kinds.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections import Counter
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone

from apps.notifications.models import Channel, Notification, NotificationStatus
from apps.notifications.services import _render
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
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.roles import Cap

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.unit_kerja.models import UnitKerja

K = ReminderKind


def _monthly_summary(instansi: Instansi, today: datetime.date, unit_id: int | None) -> _Item | None:
    """Once per closed month, to admin ZI, TPI and pimpinan instansi. Checked before the (costly)
    heatmap is computed; the claim insert is still the guard. Its emails ride with the delivery
    task of ``unit_id`` when there is one (the sweep claims it with the last chunk)."""
    last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
    period = f"{last_month_end.year}-{last_month_end.month:02d}"
    item = f"instansi:{instansi.pk}"
    if PengingatKlaim.objects.filter(instansi=instansi, kind=K.MONTHLY_SUMMARY, item=item, period=period).exists():
        return None
    cycle = selectors.cycle_of(instansi=instansi, tahun=last_month_end.year)
    if cycle is None or not RencanaAksi.objects.filter(instansi=instansi, cycle=cycle).exists():
        return None
    rows = selectors.heatmap(instansi=instansi, cycle=cycle)
    with_plan = [r for r in rows if r.rencana is not None]
    approved = [r for r in with_plan if r.rencana.was_approved]  # type: ignore[union-attr]
    overall = [r.overall for r in with_plan if r.overall is not None]
    mean = round(sum(overall) / len(overall)) if overall else 0
    context = {
        "tahun": cycle.tahun,
        "period": period,
        "rows": [{"label": r.unit.name, "value": f"{r.overall if r.overall is not None else 0} %"} for r in with_plan]
        + [{"label": "∑", "value": f"{len(approved)}/{len(with_plan)} · {mean} %"}],
    }
    users = selectors.instansi_members_with(instansi=instansi, capability=Cap.RENCANA_AKSI_MONITOR)
    return _Item(
        K.MONTHLY_SUMMARY,
        item,
        period,
        unit_id or 0,
        users,
        f"ra:{K.MONTHLY_SUMMARY}:instansi:{instansi.pk}:{period}",
        template="rencana-aksi-digest",
        context=context,
        link=f"{reverse('rencana_aksi:heatmap')}?tahun={cycle.tahun}",
    )


def item_of(kegiatan: Kegiatan) -> str:
    return f"kegiatan:{kegiatan.public_id}"


# -----------------------------------------------------------------------------
# The sweep: set-based per instansi, one delivery task per unit
# -----------------------------------------------------------------------------

PLAN_CHUNK = 500  # plans per transaction: bounds the transaction of the largest instansi


@dataclasses.dataclass
class _Item:
    """One due (kind, item, period) with what sending it needs."""

    kind: str
    item: str
    period: str
    unit_id: int
    users: list[User]
    key: str = ""
    template: str = "rencana-aksi-reminder"
    context: dict[str, Any] = dataclasses.field(default_factory=dict)
    link: str = ""
    report: tuple[RencanaAksi, str] | None = None


def _claim_bulk(instansi_id: int, items: list[_Item]) -> set[tuple[str, str, str]]:
    """Insert every claim at once; return the (kind, item, period) this call inserted. Rows held by
    a concurrent sweep block here until it commits, then count as taken (ON CONFLICT DO NOTHING)."""
    if not items:
        return set()
    items = sorted(items, key=lambda i: (i.kind, i.item, i.period))  # one lock order for every sweep
    now = timezone.now()
    table = PengingatKlaim._meta.db_table
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * len(items))
    params: list[Any] = []
    for it in items:
        params += [uuid.uuid4(), instansi_id, it.kind, it.item, it.period, len({u.pk for u in it.users}), now]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (public_id, instansi_id, kind, item, period, recipients, created_at) VALUES {values} "  # noqa: S608
            "ON CONFLICT (instansi_id, kind, item, period) DO NOTHING RETURNING kind, item, period",
            params,
        )
        return {tuple(row) for row in cursor.fetchall()}  # type: ignore[misc]


def _notification_rows(instansi: Instansi, it: _Item) -> list[Notification]:
    rows: list[Notification] = []
    now = timezone.now()
    kind = f"rencana_aksi_{it.kind}"
    for user in {u.pk: u for u in it.users}.values():
        context = {"kind": it.kind, **it.context, "recipient": user, "link": it.link, "site_url": settings.SITE_URL}
        subject, body_text, body_html = _render(it.template, context, user.language or settings.LANGUAGE_CODE)
        for channel in (Channel.EMAIL, Channel.IN_APP):
            if channel == Channel.EMAIL and not user.email:
                continue
            email = channel == Channel.EMAIL
            rows.append(
                Notification(
                    instansi=instansi,
                    recipient=user,
                    channel=channel,
                    kind=kind,
                    key=it.key,
                    subject=subject[:255],
                    body=body_text,
                    body_html=body_html if email else "",
                    link=it.link,
                    status=NotificationStatus.PENDING if email else NotificationStatus.SENT,
                    sent_at=None if email else now,
                )
            )
    return rows


def _deliver(instansi: Instansi, items: list[_Item], counts: Counter[str]) -> None:
    """Claim ``items`` in one statement and, for the claims won, create every notification and
    report in bulk and enqueue one delivery task per unit (on commit, through the outbox)."""
    from apps.outbox.services import outbox_enqueue_many
    from apps.rencana_aksi.reports import monitoring_reports_queue_many
    from apps.rencana_aksi.tasks import rencana_aksi_deliver

    with transaction.atomic():
        won = _claim_bulk(instansi.pk, items)
        if not won:
            return
        mine = [it for it in items if (it.kind, it.item, it.period) in won]
        notifications: list[Notification] = []
        wanted: list[_Item] = []
        for it in mine:
            counts[it.kind] += 1
            if it.report is not None:
                wanted.append(it)
            else:
                notifications += _notification_rows(instansi, it)
        reports: dict[int, list[int]] = {}
        queued = monitoring_reports_queue_many(instansi_id=instansi.pk, wanted=[it.report for it in wanted])  # type: ignore[misc]
        for it, report in zip(wanted, queued, strict=True):
            reports.setdefault(it.unit_id, []).append(report.pk)
        # The claims are ours, so are their keys: a conflict here is only the per-recipient guard.
        Notification.objects.bulk_create(notifications, ignore_conflicts=True, batch_size=1000)
        unit_of_key = {it.key: it.unit_id for it in mine if it.report is None}
        emails: dict[int, list[int]] = {}
        if unit_of_key:
            for pk, key in Notification.objects.filter(
                instansi_id=instansi.pk,
                channel=Channel.EMAIL,
                status=NotificationStatus.PENDING,
                key__in=list(unit_of_key),
            ).values_list("pk", "key"):
                emails.setdefault(unit_of_key[key], []).append(pk)
        outbox_enqueue_many(
            rencana_aksi_deliver.name,
            kwargs_list=[
                {
                    "instansi_id": instansi.pk,
                    "notification_ids": sorted(emails.get(unit_id, [])),
                    "report_ids": reports.get(unit_id, []),
                }
                for unit_id in sorted(set(emails) | set(reports))
            ],
        )


class _Members:
    """Every active membership of the instansi holding the reminder capabilities, read once."""

    def __init__(self, instansi: Instansi) -> None:
        roles = set(selectors.roles_with(Cap.RENCANA_AKSI_EDIT)) | set(selectors.roles_with(Cap.RENCANA_AKSI_APPROVE))
        self.rows = [
            m
            for m in Membership.objects.filter(instansi=instansi, is_active=True, role__in=roles).select_related("user")
            if m.user.is_active
        ]

    def of_unit(self, unit: UnitKerja, capability: str) -> list[User]:
        """As ``selectors.unit_members_with``: narrowed to the unit or an ancestor, or instansi-wide."""
        ancestors = {int(part) for part in unit.path.strip("/").split("/") if part} or {unit.pk}
        roles = set(selectors.roles_with(capability))
        users = {
            m.user.pk: m.user for m in self.rows if m.role in roles and (m.unit_id is None or m.unit_id in ancestors)
        }
        return list(users.values())


def _plan_items(
    rencana: RencanaAksi,
    kegiatan: list[Kegiatan],
    *,
    today: datetime.date,
    frekuensi: str,
    approved_on: datetime.date | None,
    reported: set[tuple[int, str]],
    to_verify: int,
    members: _Members,
) -> list[_Item]:
    """Everything due for one plan, computed from rows already read (no queries)."""
    items: list[_Item] = []
    unit = rencana.unit
    link = reverse("rencana_aksi:rencana-detail", kwargs={"public_id": rencana.public_id})
    period_now = selectors.current_period_of(cycle=rencana.cycle, frekuensi=frekuensi, today=today).code
    tim_kerja: list[User] | None = None

    def recipients(k: Kegiatan) -> list[User]:
        nonlocal tim_kerja
        pic_user = k.pic.user if k.pic is not None else None
        if pic_user is not None and pic_user.is_active:
            return [pic_user]
        if tim_kerja is None:
            tim_kerja = members.of_unit(unit, Cap.RENCANA_AKSI_EDIT)
        return tim_kerja

    for k in kegiatan:
        progress = k.progress  # type: ignore[attr-defined]
        days = (k.deadline - today).days
        if progress >= 100 or days > 7:
            continue
        if days > 1:
            kind, period = K.DUE_7, k.deadline.isoformat()
        elif days >= 0:
            kind, period = K.DUE_1, k.deadline.isoformat()
        else:
            kind, period = K.OVERDUE, period_now
        context = {
            "kegiatan": k.description,
            "unit_name": unit.name,
            "deadline": k.deadline.isoformat(),
            "days": days,
            "progress": progress,
        }
        items.append(
            _Item(
                kind,
                item_of(k),
                period,
                unit.pk,
                recipients(k),
                f"ra:{kind}:{item_of(k)}:{period}",
                context=context,
                link=link,
            )
        )

    closed: list[str] = []
    if approved_on is not None:
        done = {k.pk for k in kegiatan if k.progress >= 100}  # type: ignore[attr-defined]
        for p in periods_closed(rencana.cycle.tahun, frekuensi, today):
            if p.end < approved_on:
                continue
            closed.append(p.code)
            for k in kegiatan:
                if not (k.schedule & p.mask) or k.pk in done or (k.pk, p.code) in reported:
                    continue
                kind = K.REALISASI_MISSING
                context = {"kegiatan": k.description, "unit_name": unit.name, "periode": p.code}
                items.append(
                    _Item(
                        kind,
                        item_of(k),
                        p.code,
                        unit.pk,
                        recipients(k),
                        f"ra:{kind}:{item_of(k)}:{p.code}",
                        context=context,
                        link=link,
                    )
                )

    year, week, _day = today.isocalendar()
    week_code = f"{year}-W{week:02d}"
    board = selectors.dashboard_of(rencana=rencana, kegiatan=kegiatan, today=today)
    items.append(
        _Item(
            K.WEEKLY_DIGEST,
            f"rencana:{rencana.public_id}",
            week_code,
            unit.pk,
            members.of_unit(unit, Cap.RENCANA_AKSI_APPROVE),
            f"ra:{K.WEEKLY_DIGEST}:rencana:{rencana.public_id}:{week_code}",
            template="rencana-aksi-digest",
            context={
                "unit_name": unit.name,
                "tahun": rencana.cycle.tahun,
                "period": week_code,
                "overall": board.overall,
                "overdue": len(board.overdue),
                "upcoming": len(board.upcoming),
                "to_verify": to_verify,
                "rows": [{"label": a.label, "value": a.average} for a in board.areas if a.count],
            },
            link=link,
        )
    )
    for code in closed:
        items.append(_Item(K.PERIOD_REPORT, f"rencana:{rencana.public_id}", code, unit.pk, [], report=(rencana, code)))
    return items


def rencana_aksi_sweep(*, instansi_id: int, today: datetime.date | None = None) -> dict[str, int]:
    """Run every reminder and report of one instansi that is due by ``today`` (default: the local
    date) and not yet claimed. Returns how many items each kind claimed in *this* run. Must run in
    the instansi's scope (the task opens it).

    Set-based: a fixed number of queries per chunk of ``PLAN_CHUNK`` plans whatever the number of
    units and kegiatan — the plans, their kegiatan with progress, first approvals, reported
    realisasi, realisasi to verify and the members are each one query; the claims are one
    ``INSERT … ON CONFLICT DO NOTHING RETURNING``; the notifications one bulk insert; and at most one
    delivery task per unit is enqueued (through the outbox, on commit)."""
    today = today or timezone.localdate()
    instansi = Instansi.objects.get(pk=instansi_id)
    counts: Counter[str] = Counter()
    plans = list(
        RencanaAksi.objects.filter(instansi_id=instansi_id, cycle__is_open=True, approved_revision__gt=0)
        .select_related("unit", "cycle")
        .order_by("pk")
    )
    members = _Members(instansi) if plans else None
    frekuensi: dict[int, str] = {}
    if plans:
        settings_rows = dict(
            PengaturanMonitoring.objects.filter(
                instansi_id=instansi_id, cycle_id__in={p.cycle_id for p in plans}
            ).values_list("cycle_id", "frekuensi")
        )
        frekuensi = {p.cycle_id: settings_rows.get(p.cycle_id, Frekuensi.MONTHLY) for p in plans}
    summary = _monthly_summary(instansi, today, plans[-1].unit_id if plans else None)
    if not plans and summary is not None:
        _deliver(instansi, [summary], counts)
    for start in range(0, len(plans), PLAN_CHUNK):
        chunk = plans[start : start + PLAN_CHUNK]
        ids = [p.pk for p in chunk]
        by_plan: dict[int, list[Kegiatan]] = {pk: [] for pk in ids}
        for k in selectors.kegiatan_with_progress_of(instansi_id=instansi_id, rencana_ids=ids):
            by_plan[k.rencana_id].append(k)
        approved = {
            row["rencana_id"]: timezone.localdate(row["at"])
            for row in RencanaAksiRevisi.objects.filter(
                instansi_id=instansi_id, rencana_id__in=ids, event=RencanaAksiRevisi.Event.APPROVED
            )
            .values("rencana_id")
            .annotate(at=Min("created_at"))
        }
        reported: set[tuple[int, str]] = set(
            Realisasi.objects.filter(
                instansi_id=instansi_id,
                kegiatan__rencana_id__in=ids,
                status__in=[RealisasiStatus.SUBMITTED, RealisasiStatus.VERIFIED],
            ).values_list("kegiatan_id", "periode")
        )
        to_verify = dict(
            Realisasi.objects.filter(
                instansi_id=instansi_id, kegiatan__rencana_id__in=ids, status=RealisasiStatus.SUBMITTED
            )
            .values("kegiatan__rencana_id")
            .annotate(n=Count("id"))
            .values_list("kegiatan__rencana_id", "n")
        )
        items: list[_Item] = []
        for rencana in chunk:
            rencana.instansi = instansi
            kegiatan = by_plan[rencana.pk]
            for k in kegiatan:
                k.rencana = rencana
            items += _plan_items(
                rencana,
                kegiatan,
                today=today,
                frekuensi=frekuensi[rencana.cycle_id],
                approved_on=approved.get(rencana.pk),
                reported=reported,
                to_verify=to_verify.get(rencana.pk, 0),
                members=members,  # type: ignore[arg-type]
            )
        if summary is not None and start + PLAN_CHUNK >= len(plans):
            items.append(summary)
        _deliver(instansi, items, counts)
    return dict(counts)
