"""Sending notifications: claim first, then send, so nothing is ever sent twice (DESIGN §8).

``notify`` inserts one row per channel keyed by ``(instansi, recipient, channel, key)``. A second
call with the same key (a retried task, a second beat process) finds the row and does nothing. The
email task then claims the row with a conditional update ``pending → sending`` before talking to
the mail server; a claim that touches no row means another worker already has it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from apps.notifications.models import Channel, Notification, NotificationStatus
from apps.tenancy.models import Instansi

if TYPE_CHECKING:
    from apps.accounts.models import User

logger = logging.getLogger(__name__)


def _render(template: str, context: Mapping[str, Any], language: str) -> tuple[str, str, str]:
    with translation.override(language):
        subject = render_to_string(f"emails/{template}-subject.txt", context).strip()
        body_text = render_to_string(f"emails/{template}-body.txt", context)
        body_html = render_to_string(f"emails/{template}-body.html", context)
    return " ".join(subject.split()), body_text, body_html


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
    from apps.notifications.tasks import notification_send_email as notification_send_email_task

    context = {**context, "recipient": recipient, "link": link, "site_url": settings.SITE_URL}
    subject, body_text, body_html = _render(template, context, recipient.language or settings.LANGUAGE_CODE)
    created: list[Notification] = []
    for channel in channels:
        if channel == Channel.EMAIL and not recipient.email:
            continue
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
                    status=NotificationStatus.SENT if channel == Channel.IN_APP else NotificationStatus.PENDING,
                    sent_at=timezone.now() if channel == Channel.IN_APP else None,
                )
        except IntegrityError:
            continue  # already claimed by an earlier run: idempotent by construction
        created.append(notification)
        if channel == Channel.EMAIL:
            notification_send_email_task.delay_on_commit(instansi_id=instansi.pk, notification_id=notification.pk)
    return created


def notification_send_email(*, notification_id: int) -> bool:
    """Send one pending email notification. Returns True when this call sent it.

    The conditional update is the claim: only one caller moves the row from ``pending`` to
    ``sending``. A worker that dies after the claim leaves the row ``sending`` (never re-sent):
    for reminders a duplicate is worse than a rare miss.
    """
    claimed = Notification.objects.filter(pk=notification_id, status=NotificationStatus.PENDING).update(
        status=NotificationStatus.SENDING
    )
    if claimed != 1:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        message = EmailMultiAlternatives(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{notification.subject}",
            body=notification.body,
            to=[notification.recipient.email],
        )
        if notification.body_html:
            message.attach_alternative(notification.body_html, "text/html")
        message.send()
    except Exception as exc:  # the mail server's failure is recorded on the row, not raised
        logger.exception("sending notification %s failed", notification_id)
        Notification.objects.filter(pk=notification_id).update(status=NotificationStatus.FAILED, error=str(exc)[:2000])
        return False
    Notification.objects.filter(pk=notification_id).update(status=NotificationStatus.SENT, sent_at=timezone.now())
    return True


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
