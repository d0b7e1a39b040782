"""Sending notifications: claim first, then send, so nothing is ever sent twice (DESIGN §8).

``notify`` inserts one row per channel keyed by ``(instansi, recipient, channel, key)``. A second
call with the same key (a retried task, a second beat process) finds the row and does nothing. The
email task then claims the row with a conditional update ``pending → sending`` before talking to
the mail server; a claim that touches no row means another worker already has it.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.core.errors import PermissionDeniedError
from apps.notifications.models import Channel, Notification, NotificationPreference, NotificationStatus
from apps.notifications.tasks import notification_send_email as notification_send_email_task
from apps.tenancy.models import Instansi
from apps.tenancy.rls import all_tenants
from apps.tenancy.roles import Cap

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.tenancy.models import Membership

logger = logging.getLogger(__name__)

NOT_FAILED = _("Only an email that failed can be sent again; this one is already on its way or sent.")


def render_for(recipient: User, template: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
    """(subject, text, HTML) of ``emails/<template>-*`` in the recipient's language (the site's
    default when they chose none)."""
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}-subject.txt", context).strip()
        body_text = render_to_string(f"emails/{template}-body.txt", context)
        body_html = render_to_string(f"emails/{template}-body.html", context)
    return " ".join(subject.split()), body_text, body_html


def preference_for(user: User) -> NotificationPreference:
    """The person's choice, or the defaults (both channels, email at once) when they made none."""
    return preferences_for([user])[user.pk]


def preferences_for(users: Iterable[User]) -> dict[int, NotificationPreference]:
    """``preference_for`` of many people in one query (user id → choice or the defaults)."""
    by_pk = {user.pk: user for user in users}
    found = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=list(by_pk))}
    return {pk: found.get(pk) or NotificationPreference(user=user) for pk, user in by_pk.items()}


def status_for(channel: str, preference: NotificationPreference) -> str:
    """A new row's status: in-app notices are delivered by being written; an email waits for the
    send task, or for the person's daily digest when they chose one."""
    if channel == Channel.IN_APP:
        return NotificationStatus.SENT
    return NotificationStatus.DIGEST if preference.email_digest else NotificationStatus.PENDING


def channels_chosen(channels: tuple[str, ...], preference: NotificationPreference) -> tuple[str, ...]:
    """The requested channels the person keeps. A message is never dropped by a preference: when
    the person turned off every channel the caller asked for (e.g. an email-only notice for a
    national account), it goes out as asked."""
    allowed: dict[str, bool] = {Channel.EMAIL: preference.email, Channel.IN_APP: preference.in_app}
    kept = tuple(channel for channel in channels if allowed.get(channel, True))
    return kept or channels


def notify(
    *,
    instansi: Instansi,
    recipient: User,
    kind: str,
    key: str,
    template: str,
    context: Mapping[str, Any],
    link: str = "",
    channels: Iterable[str] = (Channel.EMAIL, Channel.IN_APP),
) -> list[Notification]:
    """Create the notification rows that do not exist yet and enqueue their email sending.

    Returns the rows created by *this* call (empty when every channel was already claimed).
    Renders in the recipient's language. Call inside the caller's transaction: the email task is
    enqueued on commit.
    """
    context = {**context, "recipient": recipient, "link": link, "site_url": settings.SITE_URL}
    subject, body_text, body_html = render_for(recipient, template, context)
    preference = preference_for(recipient)
    channels = channels_chosen(tuple(channels), preference)
    created: list[Notification] = []
    for channel in channels:
        if channel == Channel.EMAIL and not recipient.email:
            continue
        status = status_for(channel, preference)
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    instansi=instansi,
                    recipient=recipient,
                    channel=channel,
                    kind=kind,
                    key=key,
                    subject=subject[:255],
                    body=body_text,
                    body_html=body_html if channel == Channel.EMAIL else "",
                    link=link,
                    status=status,
                    sent_at=timezone.now() if channel == Channel.IN_APP else None,
                )
        except IntegrityError:
            continue  # already claimed by an earlier run: idempotent by construction
        created.append(notification)
        if status == NotificationStatus.PENDING:
            notification_send_email_task.delay_on_commit(instansi_id=instansi.pk, notification_id=notification.pk)
    return created


def sending_lease() -> datetime.timedelta:
    """How long a ``sending`` claim holds: the task's hard time limit. Past it, the worker that took
    the row is dead (killed by the limit, or gone), so the row may be taken over."""
    return datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)


def message_id_for(notification: Notification) -> str:
    """The email's Message-ID, fixed per row: a send repeated after a crash carries the same id, so
    mail clients and servers treat the two copies as one message."""
    domain = urlsplit(settings.SITE_URL).hostname or "zi.localhost"
    return f"<zi-notification-{notification.public_id}@{domain}>"


def _abandoned(now: datetime.datetime) -> Q:
    """A ``sending`` row whose claim is older than the lease (or predates the claim timestamp)."""
    return Q(status=NotificationStatus.SENDING) & (
        Q(sending_since__isnull=True) | Q(sending_since__lt=now - sending_lease())
    )


def notification_send_email(*, notification_id: int) -> bool:
    """Send one email notification: ``pending → sending → sent / failed``. Returns True when this
    call sent it.

    The conditional update is the claim: only one caller moves the row to ``sending`` (stamping
    ``sending_since``). A worker that dies between the claim and the mark leaves the row ``sending``;
    once the claim is older than the task time limit, the redelivered task (the broker's visibility
    timeout) or the reconciler takes it over and sends again with the same Message-ID, up to
    ``MAX_ATTEMPTS`` claims, after which the reconciler marks it failed.
    """
    now = timezone.now()
    claimed = (
        Notification.objects.filter(Q(status=NotificationStatus.PENDING) | _abandoned(now))
        .filter(pk=notification_id, channel=Channel.EMAIL, attempts__lt=MAX_ATTEMPTS)
        .update(status=NotificationStatus.SENDING, sending_since=now, attempts=F("attempts") + 1)
    )
    if claimed != 1:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    ours = Notification.objects.filter(pk=notification_id, status=NotificationStatus.SENDING, sending_since=now)
    try:
        message = EmailMultiAlternatives(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{notification.subject}",
            body=notification.body,
            to=[notification.recipient.email],
            headers={"Message-ID": message_id_for(notification)},
        )
        if notification.body_html:
            message.attach_alternative(notification.body_html, "text/html")
        message.send()
    except Exception as exc:  # the mail server's failure is recorded on the row, not raised
        logger.exception("sending notification %s failed", notification_id)
        ours.update(status=NotificationStatus.FAILED, error=str(exc)[:2000])
        return False
    ours.update(status=NotificationStatus.SENT, sent_at=timezone.now(), error="")
    return True


MAX_ATTEMPTS = 3
GAVE_UP = "No confirmation from the mail server after {attempts} attempts (the worker stopped each time)."


def notifications_reconcile() -> dict[str, int]:
    """Beat: bring every email row to a final state (docs/operations.md "Reconciler").

    * ``sending`` past the lease (a worker died between the send and the mark): the send task is
      enqueued again; it takes the row over and sends with the same Message-ID. After
      ``MAX_ATTEMPTS`` claims the row is marked ``failed`` instead, for the admin's failures page.
    * ``pending`` for longer than two visibility timeouts (its message was lost, e.g. Redis restarted
      without its append-only file): the send task is enqueued again; the claim makes a repeat a no-op.
    """
    now = timezone.now()
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    lost = Q(status=NotificationStatus.PENDING, created_at__lt=now - datetime.timedelta(seconds=2 * visibility))
    with all_tenants("the reconciler looks for unfinished emails in every instansi"):
        rows = Notification.unscoped.filter(channel=Channel.EMAIL)
        # A claim is taken only below MAX_ATTEMPTS, so an exhausted row has exactly MAX_ATTEMPTS.
        given_up = rows.filter(_abandoned(now), attempts__gte=MAX_ATTEMPTS).update(
            status=NotificationStatus.FAILED, error=GAVE_UP.format(attempts=MAX_ATTEMPTS)
        )
        again = list(rows.filter(_abandoned(now) | lost).values_list("instansi_id", "pk")[:1000])
    for instansi_id, pk in again:
        notification_send_email_task.delay(instansi_id=instansi_id, notification_id=pk)
    if again or given_up:
        logger.warning("reconciler: %s email(s) sent again, %s marked failed", len(again), given_up)
    return {"again": len(again), "failed": given_up}


@transaction.atomic
def notification_retry(*, actor: Membership, notification: Notification) -> Notification:
    """The admin sends a failed email again (the failures page): back to ``pending`` with fresh
    attempts, enqueued on commit; audited. Only a failed email can be retried."""
    if not actor.can(Cap.PEOPLE_MANAGE):
        raise PermissionDeniedError
    retried = Notification.objects.filter(
        pk=notification.pk, channel=Channel.EMAIL, status=NotificationStatus.FAILED
    ).update(status=NotificationStatus.PENDING, attempts=0, sending_since=None, error="")
    if retried != 1:
        raise ValidationError(NOT_FAILED, code="not_failed")
    audit_record(
        actor=actor.user,
        verb="notification.retry",
        obj=notification,
        before={"status": NotificationStatus.FAILED, "error": notification.error},
        after={"status": NotificationStatus.PENDING},
    )
    notification_send_email_task.delay_on_commit(instansi_id=notification.instansi_id, notification_id=notification.pk)
    notification.refresh_from_db()
    return notification


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


DIGEST_TEMPLATE = "notification-digest"


def notification_digest_send(*, instansi_id: int) -> int:
    """Send each person their waiting notices of this instansi as ONE email; returns how many
    emails went out. The rows are claimed ``digest → sending`` under ``SKIP LOCKED`` in a short
    transaction first, so two runs (two beats, a redelivered task) never put a notice in two emails.
    """
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(instansi_id=instansi_id, channel=Channel.EMAIL, status=NotificationStatus.DIGEST)
            .order_by("recipient_id", "created_at")
        )
        Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=NotificationStatus.SENDING, sending_since=timezone.now(), attempts=F("attempts") + 1
        )
    by_recipient: dict[int, list[Notification]] = {}
    for row in rows:
        by_recipient.setdefault(row.recipient_id, []).append(row)
    sent = 0
    for recipient_id, notices in by_recipient.items():
        recipient = notices[0].recipient
        context = {"recipient": recipient, "notices": notices, "site_url": settings.SITE_URL}
        subject, body_text, body_html = render_for(recipient, DIGEST_TEMPLATE, context)
        pks = [notice.pk for notice in notices]
        try:
            message = EmailMultiAlternatives(
                subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}", body=body_text, to=[recipient.email]
            )
            message.attach_alternative(body_html, "text/html")
            message.send()
        except Exception as exc:  # recorded on the rows, not raised
            logger.exception("sending the digest to user %s failed", recipient_id)
            Notification.objects.filter(pk__in=pks).update(status=NotificationStatus.FAILED, error=str(exc)[:2000])
            continue
        Notification.objects.filter(pk__in=pks).update(status=NotificationStatus.SENT, sent_at=timezone.now())
        sent += 1
    return sent


def notification_preference_set(*, user: User, email: bool, in_app: bool, email_digest: bool) -> NotificationPreference:
    """Save how the person wants to be told (the form guarantees at least one channel)."""
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email": email, "in_app": in_app, "email_digest": email_digest}
    )
    return preference
