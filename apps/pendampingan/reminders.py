"""Reminders for open follow-up actions of an asistensi, exactly once per ``(kind, action,
period)`` (DESIGN §8).

One sweep per instansi (``pendampingan_sweep``, run by beat and safe to run any number of times)
looks at **every** open action due within 3 days or overdue, not at "exactly today", so a day the
beat missed is caught up by the next run:

* ``due_soon``: due in 0–3 days (period: the due date). A sweep that missed the window entirely
  sends only the overdue one;
* ``overdue``: past its due date, once per ISO week while it stays open (period ``2026-W27``).

Each action is one transaction: insert the ``PengingatTindakLanjut`` claim (unique on instansi,
kind, action, period), then notify. A concurrent sweep blocks on the unique index until the first
commits and finds the claim taken; a redelivered task finds every claim taken. If sending fails,
the claim rolls back with it and the next sweep tries again.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from apps.notifications.services import notify
from apps.pendampingan.models import PengingatKind, PengingatTindakLanjut, TindakLanjut, TindakLanjutStatus
from apps.rencana_aksi.selectors import unit_members_with
from apps.tenancy.models import Instansi
from apps.tenancy.roles import Cap

if TYPE_CHECKING:
    from apps.accounts.models import User

DUE_SOON_DAYS = 3


def _recipients(action: TindakLanjut) -> list[User]:
    """The owner when they have a login, else the unit's editors."""
    user = action.owner.user
    if user is not None and user.is_active:
        return [user]
    return unit_members_with(unit=action.asistensi.unit, capability=Cap.PENDAMPINGAN_EDIT)


def _claim(action: TindakLanjut, kind: str, period: str) -> PengingatTindakLanjut | None:
    try:
        with transaction.atomic():
            return PengingatTindakLanjut.objects.create(
                instansi_id=action.instansi_id, kind=kind, tindak_lanjut=action, period=period
            )
    except IntegrityError:
        return None


def _remind(instansi: Instansi, action: TindakLanjut, kind: str, period: str, today: datetime.date) -> bool:
    with transaction.atomic():
        claim = _claim(action, kind, period)
        if claim is None:
            return False
        link = reverse("pendampingan:asistensi-detail", kwargs={"public_id": action.asistensi.public_id})
        sent = 0
        for user in {u.pk: u for u in _recipients(action)}.values():
            if notify(
                instansi=instansi,
                recipient=user,
                kind=f"pendampingan_{kind}",
                key=f"tindak-lanjut:{kind}:{action.public_id}:{period}",
                template="pendampingan-reminder",
                context={
                    "kind": kind,
                    "action": action.description,
                    "due": action.due_date,
                    "days_late": (today - action.due_date).days,
                    "unit_name": action.asistensi.unit.name,
                },
                link=link,
            ):
                sent += 1
        claim.recipients = sent
        claim.save(update_fields=["recipients"])
    return True


def pendampingan_sweep(*, instansi_id: int, today: datetime.date | None = None) -> dict[str, int]:
    """Send what is due for the instansi's open follow-up actions; returns the claims made by kind."""
    today = today or timezone.localdate()
    instansi = Instansi.objects.get(pk=instansi_id)
    counts: Counter[str] = Counter()
    actions = (
        TindakLanjut.objects.filter(
            instansi_id=instansi_id,
            status=TindakLanjutStatus.OPEN,
            due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
        )
        .select_related("owner", "owner__user", "asistensi", "asistensi__unit")
        .order_by("due_date", "pk")
    )
    for action in actions:
        if action.due_date < today:
            year, week, _day = today.isocalendar()
            kind, period = PengingatKind.OVERDUE, f"{year}-W{week:02d}"
        else:
            kind, period = PengingatKind.DUE_SOON, action.due_date.isoformat()
        if _remind(instansi, action, kind, period, today):
            counts[kind] += 1
    return dict(counts)
