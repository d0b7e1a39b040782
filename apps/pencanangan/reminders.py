"""Asking pegawai to sign, exactly once per pegawai per round (DESIGN §8).

* A **round** (``ReminderRound``) is started by the operator for a unit's unsigned pegawai.
* The daily beat **asks new arrivals**: an active, unsigned pegawai of a unit that is collecting
  signatures (it has had a round) who was never asked this year — e.g. someone transferred in.

Each message is first *claimed* by inserting a ``PaktaRequest`` row, unique per
``(cycle, pegawai, round_key)``; a retried task or a second worker finds the row and sends nothing.
The send task then moves the row ``pending → sending`` with a conditional update, in the same
transaction as the signing link it creates; the email carrying the link is a second task, in the
outbox of that transaction, so it leaves only after the commit (a rollback can never make an emailed
link dead) and can be repeated with the same link after a crash. The sweep asks again whatever a
crash or a lost message left unsent (``requests_resume``).
"""

from __future__ import annotations

import datetime
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac

from apps.audit.guarded import require
from apps.audit.services import audit_record
from apps.notifications.services import notify
from apps.pencanangan.models import PaktaIntegritas, PaktaRequest, ReminderRound, RequestStatus
from apps.pencanangan.services import (
    LinkRefused,
    _require_reach,
    pakta_standing,
    signing_link_create,
    signing_link_resolve,
)
from apps.pencanangan.tasks import pakta_link_email as pakta_link_email_task
from apps.pencanangan.tasks import pakta_request_send as pakta_request_send_task
from apps.pencanangan.tasks import pakta_round_dispatch as pakta_round_dispatch_task
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Cycle, Pegawai, UnitKerja

logger = logging.getLogger(__name__)

ASK = "ask"


def _unsigned(cycle: Cycle):
    return Pegawai.objects.filter(instansi_id=cycle.instansi_id, is_active=True).exclude(
        Exists(
            PaktaIntegritas.objects.filter(
                instansi_id=cycle.instansi_id, cycle=cycle, pegawai=OuterRef("pk"), revoked_at__isnull=True
            )
        )
    )


def _claim(cycle: Cycle, pegawai_id: int, round_key: str) -> PaktaRequest | None:
    try:
        with transaction.atomic():
            return PaktaRequest.objects.create(
                instansi_id=cycle.instansi_id, cycle=cycle, pegawai_id=pegawai_id, round_key=round_key
            )
    except IntegrityError:
        return None  # already claimed by an earlier run


def _enqueue(requests: list[PaktaRequest]) -> None:
    for request in requests:
        pakta_request_send_task.delay_on_commit(instansi_id=request.instansi_id, request_id=request.pk)


@transaction.atomic
def reminder_round_start(*, actor: Membership, unit: UnitKerja, cycle: Cycle) -> ReminderRound:
    """Start a round for the unit's unsigned pegawai; the messages go out from the worker."""
    require(actor, Cap.PENCANANGAN_MANAGE)
    _require_reach(actor, unit)
    number = ReminderRound.objects.filter(instansi_id=actor.instansi_id, cycle=cycle, unit=unit).count() + 1
    round_ = ReminderRound.objects.create(
        instansi_id=actor.instansi_id, cycle=cycle, unit=unit, key=f"r{number}", started_by=actor.user
    )
    audit_record(actor=actor.user, verb="pakta.reminder_round", obj=round_, after={"key": round_.key})
    pakta_round_dispatch_task.delay_on_commit(instansi_id=actor.instansi_id, round_id=round_.pk)
    return round_


@transaction.atomic
def reminder_round_dispatch(*, round_id: int) -> int:
    """Claim one request per unsigned pegawai of the round's unit; returns how many were claimed."""
    round_ = ReminderRound.objects.select_related("cycle").get(pk=round_id)
    ids = _unsigned(round_.cycle).filter(unit_id=round_.unit_id).values_list("pk", flat=True)
    claimed = [r for r in (_claim(round_.cycle, pk, f"round-{round_.pk}") for pk in ids) if r is not None]
    _enqueue(claimed)
    return len(claimed)


@transaction.atomic
def arrivals_sweep(*, cycle_id: int) -> int:
    """Ask every unsigned pegawai of a collecting unit who was never asked this year. Catches up on
    whatever is due, whenever it runs (a missed day is covered by the next run)."""
    cycle = Cycle.objects.get(pk=cycle_id)
    collecting = ReminderRound.objects.filter(instansi_id=cycle.instansi_id, cycle=cycle).values("unit_id")
    never_asked = ~Exists(
        PaktaRequest.objects.filter(instansi_id=cycle.instansi_id, cycle=cycle, pegawai=OuterRef("pk"))
    )
    ids = _unsigned(cycle).filter(never_asked, unit_id__in=collecting).values_list("pk", flat=True)
    claimed = [r for r in (_claim(cycle, pk, ASK) for pk in ids) if r is not None]
    _enqueue(claimed)
    resumed = requests_resume(cycle=cycle)
    if resumed:
        logger.warning("pakta sweep: %s request(s) left unsent by a crash are asked again", resumed)
    return len(claimed)


def _finish(request_id: int, status: str, error: str = "") -> int:
    return PaktaRequest.objects.filter(pk=request_id).update(status=status, error=error[:2000], sent_at=timezone.now())


def request_link_token(request: PaktaRequest) -> str:
    """The signing link's token of a request, derived again whenever needed: keyed on the secret
    key and the request's random public id, so the email step can be repeated (a crash, a lost
    message) with the same link while the database still holds only the token's hash."""
    return salted_hmac("zi.pencanangan.request-link", str(request.public_id), algorithm="sha256").hexdigest()


def request_message_id(request: PaktaRequest) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "zi.localhost"
    return f"<zi-pakta-request-{request.public_id}@{domain}>"


def pakta_request_send(*, request_id: int) -> bool:
    """Prepare one claimed request, in ONE transaction; returns True when this call claimed it.

    A pegawai with an account gets an in-app notice and an email pointing at their pact page
    (``notify``: its email task is in the outbox, so it leaves after the commit). One without gets a
    fresh personal signing link, and the email carrying it is enqueued through the outbox: it leaves
    only once the link is committed, so no rollback can make an emailed link dead. Without an email
    address the row is marked so the operator copies a link into WhatsApp instead. A crash before
    the commit rolls the claim back to ``pending`` and the redelivered task starts again.
    """
    with transaction.atomic():
        claimed = PaktaRequest.objects.filter(pk=request_id, status=RequestStatus.PENDING).update(
            status=RequestStatus.SENDING
        )
        if claimed != 1:
            return False
        request = PaktaRequest.objects.select_related("pegawai", "pegawai__unit", "pegawai__instansi", "cycle").get(
            pk=request_id
        )
        pegawai, cycle = request.pegawai, request.cycle
        if pakta_standing(pegawai=pegawai, cycle=cycle) is not None or not pegawai.is_active:
            _finish(request_id, RequestStatus.SKIPPED, "signed or left before the message went out")
            return False
        if pegawai.user_id is not None:
            context = {"pegawai": pegawai, "tahun": cycle.tahun, "unit": pegawai.unit, "instansi": pegawai.instansi}
            notify(
                instansi=pegawai.instansi,
                recipient=pegawai.user,
                kind="pakta.request",
                key=f"pakta-request:{request.pk}",
                template="pakta-request",
                context=context,
                link=reverse("pencanangan:my-pakta"),
            )
            _finish(request_id, RequestStatus.SENT)
            return True
        if not pegawai.email:
            _finish(request_id, RequestStatus.SKIPPED, "no email address")
            return False
        signing_link_create(actor=None, pegawai=pegawai, cycle=cycle, token=request_link_token(request))
        pakta_link_email_task.delay_on_commit(instansi_id=request.instansi_id, request_id=request_id)
    return True


def pakta_link_email_send(*, request_id: int) -> bool:
    """Email the committed link of a request: ``sending → sent / failed``. Returns True when sent.

    The claim stamps ``sending_since``; a copy of this task that finds a fresh stamp does nothing,
    one that finds a stamp older than the task time limit (its worker died, before or after the
    mail server took the message) sends again — the same link, the same Message-ID.
    """
    now = timezone.now()
    lease = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    claimed = (
        PaktaRequest.objects.filter(pk=request_id, status=RequestStatus.SENDING)
        .filter(Q(sending_since__isnull=True) | Q(sending_since__lt=now - lease))
        .update(sending_since=now)
    )
    if claimed != 1:
        return False
    request = PaktaRequest.objects.select_related("pegawai", "pegawai__unit", "pegawai__instansi", "cycle").get(
        pk=request_id
    )
    pegawai, cycle = request.pegawai, request.cycle
    token = request_link_token(request)
    try:
        signing_link_resolve(token)
    except LinkRefused as refused:  # signed meanwhile, or the operator made a newer link
        _finish(request_id, RequestStatus.SKIPPED, f"the link is no longer open: {refused.code}")
        return False
    link = settings.SITE_URL + reverse("pakta-public:sign", kwargs={"token": token})
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "pegawai": pegawai,
            "tahun": cycle.tahun,
            "unit": pegawai.unit,
            "instansi": pegawai.instansi,
            "recipient": pegawai.name,
            "link": link,
            "valid_days": 14,
        }
        subject = " ".join(render_to_string("emails/pakta-request-subject.txt", context).split())
        body = render_to_string("emails/pakta-link-body.txt", context)
        html = render_to_string("emails/pakta-link-body.html", context)
    try:
        message = EmailMultiAlternatives(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
            body=body,
            to=[pegawai.email],
            headers={"Message-ID": request_message_id(request)},
        )
        message.attach_alternative(html, "text/html")
        message.send()
    except Exception as exc:  # the mail server's failure is recorded on the row, not raised
        logger.exception("sending pakta request %s failed", request_id)
        _finish(request_id, RequestStatus.FAILED, str(exc))
        return False
    PaktaRequest.objects.filter(pk=request_id, status=RequestStatus.SENDING, sending_since=now).update(
        status=RequestStatus.SENT, sent_at=timezone.now(), error=""
    )
    return True


def requests_resume(*, cycle: Cycle) -> int:
    """The sweep's catch-up on requests a crash or a lost message left unsent: ``pending`` ones are
    dispatched again, ``sending`` ones whose email step is overdue get their email task again.
    Both tasks claim first, so a request still in flight is never sent twice. Returns the count."""
    now = timezone.now()
    lease = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    overdue = now - 2 * lease  # past any run of the task that holds it, and its redelivery
    requests = PaktaRequest.objects.filter(instansi_id=cycle.instansi_id, cycle=cycle)
    pending = list(requests.filter(status=RequestStatus.PENDING, created_at__lt=overdue).values_list("pk", flat=True))
    stuck = requests.filter(status=RequestStatus.SENDING, created_at__lt=overdue).filter(
        Q(sending_since__isnull=True) | Q(sending_since__lt=now - lease)
    )
    stuck_ids = list(stuck.values_list("pk", flat=True))
    for pk in pending:
        pakta_request_send_task.delay_on_commit(instansi_id=cycle.instansi_id, request_id=pk)
    for pk in stuck_ids:
        pakta_link_email_task.delay_on_commit(instansi_id=cycle.instansi_id, request_id=pk)
    return len(pending) + len(stuck_ids)
