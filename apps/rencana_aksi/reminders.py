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

Each item is one transaction: insert the ``PengingatKlaim`` row (unique on instansi, kind, item,
period), then send. A second sweep running at the same time blocks on the unique index until the
first commits and then finds the claim taken; a retried task finds every claim taken. If sending
fails the claim rolls back with it, and the next sweep tries again. ``notify`` keys its rows with
the same triple, a second guard per recipient.

Preferences: the notifications app has no per-person preferences (channel, digest or immediate)
yet, so every reminder goes to both channels, immediately; the digests are separate kinds.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone

from apps.notifications.services import notify
from apps.rencana_aksi import selectors
from apps.rencana_aksi.models import (
    Kegiatan,
    PengingatKlaim,
    Realisasi,
    RealisasiStatus,
    ReminderKind,
    RencanaAksi,
    RencanaAksiRevisi,
)
from apps.rencana_aksi.periods import periods_closed
from apps.tenancy.models import Instansi
from apps.tenancy.roles import Cap

if TYPE_CHECKING:
    from apps.accounts.models import User

K = ReminderKind


def claim(*, instansi_id: int, kind: str, item: str, period: str) -> PengingatKlaim | None:
    """Insert the claim, or None when another run holds it. Call inside the item's transaction."""
    try:
        with transaction.atomic():
            return PengingatKlaim.objects.create(instansi_id=instansi_id, kind=kind, item=item, period=period)
    except IntegrityError:
        return None


def _once(instansi_id: int, kind: str, item: str, period: str, send: Callable[[], int], counts: Counter[str]) -> None:
    with transaction.atomic():
        taken = claim(instansi_id=instansi_id, kind=kind, item=item, period=period)
        if taken is None:
            return
        taken.recipients = send()
        taken.save(update_fields=["recipients"])
    counts[kind] += 1


def _send(
    instansi: Instansi, users: list[User], *, kind: str, key: str, template: str, context: dict[str, Any], link: str
) -> int:
    sent = 0
    for user in {u.pk: u for u in users}.values():
        if notify(
            instansi=instansi,
            recipient=user,
            kind=f"rencana_aksi_{kind}",
            key=key,
            template=template,
            context={"kind": kind, **context},
            link=link,
        ):
            sent += 1
    return sent


def _kegiatan_recipients(kegiatan: Kegiatan) -> list[User]:
    """The PIC when they have a login, else the unit's tim kerja."""
    pic_user = kegiatan.pic.user if kegiatan.pic is not None else None
    if pic_user is not None and pic_user.is_active:
        return [pic_user]
    return selectors.unit_members_with(unit=kegiatan.rencana.unit, capability=Cap.RENCANA_AKSI_EDIT)


def _first_approval(rencana: RencanaAksi) -> datetime.date | None:
    first = RencanaAksiRevisi.objects.filter(
        instansi_id=rencana.instansi_id, rencana=rencana, event=RencanaAksiRevisi.Event.APPROVED
    ).aggregate(at=Min("created_at"))["at"]
    return timezone.localdate(first) if first else None


def _kegiatan_reminders(
    instansi: Instansi, rencana: RencanaAksi, kegiatan: list[Kegiatan], today: datetime.date, counts: Counter[str]
) -> None:
    period_now = selectors.current_period(cycle=rencana.cycle, today=today).code
    link = reverse("rencana_aksi:rencana-detail", kwargs={"public_id": rencana.public_id})
    for k in kegiatan:
        progress = k.progress  # type: ignore[attr-defined]
        if progress >= 100:
            continue
        days = (k.deadline - today).days
        if days > 7:
            continue
        if days > 1:
            kind, period = K.DUE_7, k.deadline.isoformat()
        elif days >= 0:
            kind, period = K.DUE_1, k.deadline.isoformat()
        else:
            kind, period = K.OVERDUE, period_now
        item = f"kegiatan:{k.public_id}"
        context = {
            "kegiatan": k.description,
            "unit_name": rencana.unit.name,
            "deadline": k.deadline.isoformat(),
            "days": days,
            "progress": progress,
        }

        def send(k: Kegiatan = k, kind: str = kind, period: str = period, context: dict[str, Any] = context) -> int:
            return _send(
                instansi,
                _kegiatan_recipients(k),
                kind=kind,
                key=f"ra:{kind}:{item_of(k)}:{period}",
                template="rencana-aksi-reminder",
                context=context,
                link=link,
            )

        _once(instansi.pk, kind, item, period, send, counts)


def item_of(kegiatan: Kegiatan) -> str:
    return f"kegiatan:{kegiatan.public_id}"


def _missing_realisasi(
    instansi: Instansi, rencana: RencanaAksi, today: datetime.date, done: set[int], counts: Counter[str]
) -> list[str]:
    """Realisasi missing in every closed period since the first approval, for kegiatan not yet
    verified at 100 % (``done``); returns those periods."""
    approved_on = _first_approval(rencana)
    if approved_on is None:
        return []
    closed = [
        p
        for p in periods_closed(rencana.cycle.tahun, selectors.frekuensi_for(cycle=rencana.cycle), today)
        if p.end >= approved_on
    ]
    reported = set(
        Realisasi.objects.filter(
            instansi_id=rencana.instansi_id,
            kegiatan__rencana=rencana,
            status__in=[RealisasiStatus.SUBMITTED, RealisasiStatus.VERIFIED],
        ).values_list("kegiatan_id", "periode")
    )
    link = reverse("rencana_aksi:rencana-detail", kwargs={"public_id": rencana.public_id})
    for period in closed:
        for k in selectors.due_in_period(rencana=rencana, periode=period).select_related("pic__user"):
            if k.pk in done or (k.pk, period.code) in reported:
                continue
            context = {"kegiatan": k.description, "unit_name": rencana.unit.name, "periode": period.code}

            def send(k: Kegiatan = k, period_code: str = period.code, context: dict[str, Any] = context) -> int:
                k.rencana = rencana
                return _send(
                    instansi,
                    _kegiatan_recipients(k),
                    kind=K.REALISASI_MISSING,
                    key=f"ra:{K.REALISASI_MISSING}:{item_of(k)}:{period_code}",
                    template="rencana-aksi-reminder",
                    context=context,
                    link=link,
                )

            _once(instansi.pk, K.REALISASI_MISSING, item_of(k), period.code, send, counts)
    return [p.code for p in closed]


def _weekly_digest(instansi: Instansi, rencana: RencanaAksi, today: datetime.date, counts: Counter[str]) -> None:
    year, week, _day = today.isocalendar()
    period = f"{year}-W{week:02d}"
    link = reverse("rencana_aksi:rencana-detail", kwargs={"public_id": rencana.public_id})

    def send() -> int:
        board = selectors.unit_dashboard(rencana=rencana, today=today)
        to_verify = Realisasi.objects.filter(
            instansi_id=rencana.instansi_id, kegiatan__rencana=rencana, status=RealisasiStatus.SUBMITTED
        ).count()
        context = {
            "unit_name": rencana.unit.name,
            "tahun": rencana.cycle.tahun,
            "period": period,
            "overall": board.overall,
            "overdue": len(board.overdue),
            "upcoming": len(board.upcoming),
            "to_verify": to_verify,
            "rows": [{"label": a.label, "value": a.average} for a in board.areas if a.count],
        }
        users = selectors.unit_members_with(unit=rencana.unit, capability=Cap.RENCANA_AKSI_APPROVE)
        return _send(
            instansi,
            users,
            kind=K.WEEKLY_DIGEST,
            key=f"ra:{K.WEEKLY_DIGEST}:rencana:{rencana.public_id}:{period}",
            template="rencana-aksi-digest",
            context=context,
            link=link,
        )

    _once(instansi.pk, K.WEEKLY_DIGEST, f"rencana:{rencana.public_id}", period, send, counts)


def _monthly_summary(instansi: Instansi, today: datetime.date, counts: Counter[str]) -> None:
    last_month_end = today.replace(day=1) - datetime.timedelta(days=1)
    period = f"{last_month_end.year}-{last_month_end.month:02d}"
    cycle = selectors.cycle_of(instansi=instansi, tahun=last_month_end.year)
    if cycle is None or not RencanaAksi.objects.filter(instansi=instansi, cycle=cycle).exists():
        return
    link = f"{reverse('rencana_aksi:heatmap')}?tahun={cycle.tahun}"

    def send() -> int:
        rows = selectors.heatmap(instansi=instansi, cycle=cycle)
        with_plan = [r for r in rows if r.rencana is not None]
        approved = [r for r in with_plan if r.rencana.was_approved]  # type: ignore[union-attr]
        overall = [r.overall for r in with_plan if r.overall is not None]
        mean = round(sum(overall) / len(overall)) if overall else 0
        context = {
            "tahun": cycle.tahun,
            "period": period,
            "rows": [
                {"label": r.unit.name, "value": f"{r.overall if r.overall is not None else 0} %"} for r in with_plan
            ]
            + [
                {
                    "label": "∑",
                    "value": f"{len(approved)}/{len(with_plan)} · {mean} %",
                }
            ],
        }
        users = selectors.instansi_members_with(instansi=instansi, capability=Cap.RENCANA_AKSI_MONITOR)
        return _send(
            instansi,
            users,
            kind=K.MONTHLY_SUMMARY,
            key=f"ra:{K.MONTHLY_SUMMARY}:instansi:{instansi.pk}:{period}",
            template="rencana-aksi-digest",
            context=context,
            link=link,
        )

    _once(instansi.pk, K.MONTHLY_SUMMARY, f"instansi:{instansi.pk}", period, send, counts)


def _period_reports(rencana: RencanaAksi, closed: list[str], counts: Counter[str]) -> None:
    from apps.rencana_aksi.reports import monitoring_report_queue

    for code in closed:
        _once(
            rencana.instansi_id,
            K.PERIOD_REPORT,
            f"rencana:{rencana.public_id}",
            code,
            lambda code=code: monitoring_report_queue(rencana=rencana, periode=code),
            counts,
        )


def rencana_aksi_sweep(*, instansi_id: int, today: datetime.date | None = None) -> dict[str, int]:
    """Run every reminder and report of one instansi that is due by ``today`` (default: the local
    date) and not yet claimed. Returns how many items each kind claimed in *this* run. Must run in
    the instansi's scope (the task opens it). Not one transaction: each item commits on its own."""
    today = today or timezone.localdate()
    instansi = Instansi.objects.get(pk=instansi_id)
    counts: Counter[str] = Counter()
    plans = (
        RencanaAksi.objects.filter(instansi_id=instansi_id, cycle__is_open=True, approved_revision__gt=0)
        .select_related("unit", "cycle", "instansi")
        .order_by("pk")
    )
    for rencana in plans:
        kegiatan = selectors.kegiatan_with_progress(rencana=rencana)
        for k in kegiatan:
            k.rencana = rencana
        _kegiatan_reminders(instansi, rencana, kegiatan, today, counts)
        done = {k.pk for k in kegiatan if k.progress >= 100}  # type: ignore[attr-defined]
        closed = _missing_realisasi(instansi, rencana, today, done, counts)
        _weekly_digest(instansi, rencana, today, counts)
        _period_reports(rencana, closed, counts)
    _monthly_summary(instansi, today, counts)
    return dict(counts)
