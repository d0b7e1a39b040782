"""Consultation threads: a unit and its TPI (general, about one LKE soal or one kegiatan), and the
TPI's questions to KemenPANRB / TPN (``for_tpn``).

Who writes on which side:

* unit thread — the unit side is a member of the unit with ``Cap.PENDAMPINGAN_EDIT`` or anyone in
  the unit's tim kerja ZI for the year (a pokja member asks about their area); the TPI side holds
  ``Cap.PENDAMPINGAN_TPI``;
* TPN thread — the TPI asks; a national member with ``Cap.TPN_EVALUATE`` answers (web or API).

A reply from the answering side marks the thread *answered*, one from the asking side *open*;
either side may close it, and a closed thread takes no reply — moved by the transition tables of
``apps.pendampingan.workflows`` (nothing here sets a status by hand). Every message notifies the other
side by email and in-app (``notify``, keyed by the message: a retried call sends nothing twice).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.audit.guarded import audit, lock, require
from apps.bukti_dukung.services import bukti_dukung_upload
from apps.core.errors import PermissionDeniedError
from apps.lke.models import Soal
from apps.notifications.models import Channel
from apps.notifications.services import notify
from apps.pendampingan.models import Konsultasi, PesanKonsultasi, Pihak
from apps.pendampingan.permissions import tpi_assigned
from apps.pendampingan.workflows import ANSWER, ASK, CLOSE, table_of
from apps.penilaian.models import TPIAssignment
from apps.rencana_aksi.models import Kegiatan
from apps.rencana_aksi.selectors import instansi_members_with, lke_template_for, unit_members_with
from apps.tenancy.models import Membership
from apps.tenancy.roles import NATIONAL_ROLES, Cap
from apps.timkerja.permissions import is_team_member
from apps.unit_kerja.models import Cycle, UnitKerja

if TYPE_CHECKING:
    from apps.accounts.models import User

THREAD_CLOSED = _("This thread is closed: start a new thread to ask again.")
BODY_REQUIRED = _("Write your message.")
SUBJECT_REQUIRED = _("Write the subject of your question.")
SOAL_NOT_IN_LKE = _("This LKE soal is not in the LKE of %(tahun)s.")
KEGIATAN_OTHER_UNIT = _("This kegiatan is not in the rencana aksi of %(unit)s for %(tahun)s.")
ONE_TOPIC = _("A thread is about one LKE soal or one kegiatan, not both.")
NOT_YOUR_THREAD = _("You are not a party to this thread.")
ALREADY_CLOSED = _("This thread is already closed.")
MAX_FILES = 5
TOO_MANY_FILES = _("Attach at most %(n)s files to one message.")


def unit_side_allowed(actor: Membership, unit: UnitKerja, cycle: Cycle) -> bool:
    """The actor may write for the unit: in reach, and an editor of the unit or in its team."""
    if actor.instansi_id is None or actor.instansi_id != unit.instansi_id or not actor.is_active:
        return False
    if actor.is_unit_narrowed and actor.unit is not None and not unit.path.startswith(actor.unit.path):
        return False
    return actor.can(Cap.PENDAMPINGAN_EDIT) or is_team_member(actor=actor, unit=unit, cycle=cycle)


def side_of(actor: Membership, konsultasi: Konsultasi) -> str | None:
    """The side the actor writes on in this thread, or None (no part in it)."""
    if konsultasi.for_tpn:
        if actor.role in NATIONAL_ROLES:
            return Pihak.TPN if actor.can(Cap.TPN_EVALUATE) else None
        if actor.instansi_id == konsultasi.instansi_id and actor.can(Cap.PENDAMPINGAN_TPI):
            return Pihak.TPI
        return None
    if actor.instansi_id != konsultasi.instansi_id:
        return None
    if actor.can(Cap.PENDAMPINGAN_TPI):
        # A unit thread's TPI side is the unit's assigned reviewers of that year (issue 18).
        if konsultasi.unit is None or tpi_assigned(actor=actor, unit=konsultasi.unit, cycle=konsultasi.cycle):
            return Pihak.TPI
        return None
    if konsultasi.unit is not None and unit_side_allowed(actor, konsultasi.unit, konsultasi.cycle):
        return Pihak.UNIT
    return None


def thread_link(konsultasi: Konsultasi, *, national: bool = False) -> str:
    name = "pendampingan:tpn-detail" if national else "pendampingan:konsultasi-detail"
    return reverse(name, kwargs={"public_id": konsultasi.public_id})


def _attach(actor: Membership, pesan: PesanKonsultasi, files: Sequence[UploadedFile[bytes]]) -> None:
    for file in files:
        try:
            bukti = bukti_dukung_upload(actor=actor, file=file, description=f"Konsultasi: {pesan.konsultasi.subject}")
        except ValidationError as exc:
            raise ValidationError({"files": exc.messages}) from exc
        pesan.attachments.add(bukti)


def _check_message(body: str, files: Sequence[UploadedFile[bytes]]) -> str:
    body = (body or "").strip()
    errors: dict[str, list[ValidationError]] = {}
    if not body:
        errors["body"] = [ValidationError(BODY_REQUIRED)]
    if len(files) > MAX_FILES:
        errors["files"] = [ValidationError(TOO_MANY_FILES % {"n": MAX_FILES})]
    if errors:
        raise ValidationError(errors)
    return body


def _unit_people(konsultasi: Konsultasi) -> list[User]:
    if konsultasi.unit is None:
        return []
    return unit_members_with(unit=konsultasi.unit, capability=Cap.PENDAMPINGAN_EDIT)


def _tpi_people(konsultasi: Konsultasi) -> list[User]:
    """The TPI reviewers assigned to the unit that year; all the instansi's TPI when none is."""
    if konsultasi.unit is not None:
        assigned = [
            a.reviewer
            for a in TPIAssignment.objects.filter(
                instansi_id=konsultasi.instansi_id, unit=konsultasi.unit, cycle=konsultasi.cycle
            ).select_related("reviewer")
            if a.reviewer.is_active
        ]
        if assigned:
            return assigned
    return instansi_members_with(instansi=konsultasi.instansi, capability=Cap.PENDAMPINGAN_TPI)


def _national_people() -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, memberships__is_active=True, memberships__role__in=sorted(NATIONAL_ROLES)
        ).distinct()
    )


def _recipients(konsultasi: Konsultasi, to_side: str) -> list[User]:
    """Everyone who wrote on ``to_side`` before, and that side's default people."""
    authors = [
        p.author
        for p in PesanKonsultasi.objects.filter(
            instansi_id=konsultasi.instansi_id, konsultasi=konsultasi, side=to_side
        ).select_related("author")
    ]
    if to_side == Pihak.UNIT:
        default = _unit_people(konsultasi)
    elif to_side == Pihak.TPI:
        default = _tpi_people(konsultasi) if not konsultasi.for_tpn else [konsultasi.created_by]
    else:
        default = _national_people()
    return list({u.pk: u for u in [*authors, *default] if u.is_active}.values())


def _notify(konsultasi: Konsultasi, pesan: PesanKonsultasi, actor: Membership) -> int:
    to_side = konsultasi.answering_side if pesan.side == konsultasi.asking_side else konsultasi.asking_side
    sent = 0
    for user in _recipients(konsultasi, to_side):
        if user.pk == actor.user_id:
            continue
        national = to_side == Pihak.TPN
        notify(
            instansi=konsultasi.instansi,
            recipient=user,
            kind="pendampingan_konsultasi",
            key=f"konsultasi:{pesan.public_id}",
            template="pendampingan-konsultasi",
            context={
                "subject": konsultasi.subject,
                "unit_name": konsultasi.unit.name if konsultasi.unit else konsultasi.instansi.name,
                "author": actor.user.name or actor.user.email,
                "side": pesan.get_side_display(),
                "body": pesan.body,
            },
            link=thread_link(konsultasi, national=national),
            # National accounts have no in-app inbox in an instansi: email only.
            channels=(Channel.EMAIL,) if national else (Channel.EMAIL, Channel.IN_APP),
        )
        sent += 1
    return sent


@transaction.atomic
def konsultasi_start(
    *,
    actor: Membership,
    unit: UnitKerja,
    cycle: Cycle,
    subject: str,
    body: str,
    soal: Soal | None = None,
    kegiatan: Kegiatan | None = None,
    files: Sequence[UploadedFile[bytes]] = (),
) -> Konsultasi:
    """The unit asks its TPI: a new thread, general or about one LKE soal or one kegiatan."""
    if not unit_side_allowed(actor, unit, cycle) or cycle.instansi_id != unit.instansi_id:
        raise PermissionDeniedError
    errors: dict[str, list[ValidationError]] = {}
    subject = (subject or "").strip()
    if not subject:
        errors["subject"] = [ValidationError(SUBJECT_REQUIRED)]
    if soal is not None and kegiatan is not None:
        errors.setdefault("soal", []).append(ValidationError(ONE_TOPIC))
    if soal is not None:
        template = lke_template_for(cycle.tahun)
        if template is None or soal.template_id != template.pk:
            errors.setdefault("soal", []).append(ValidationError(SOAL_NOT_IN_LKE % {"tahun": cycle.tahun}))
    if kegiatan is not None and (
        kegiatan.instansi_id != unit.instansi_id
        or kegiatan.rencana.unit_id != unit.pk
        or kegiatan.rencana.cycle_id != cycle.pk
    ):
        errors.setdefault("kegiatan", []).append(
            ValidationError(KEGIATAN_OTHER_UNIT % {"unit": unit.name, "tahun": cycle.tahun})
        )
    if errors:
        raise ValidationError(errors)
    body = _check_message(body, files)
    konsultasi = Konsultasi.objects.create(
        instansi_id=unit.instansi_id,
        unit=unit,
        cycle=cycle,
        subject=subject[:200],
        soal=soal,
        kegiatan=kegiatan,
        created_by=actor.user,
        last_message_at=timezone.now(),
    )
    _post(actor, konsultasi, Pihak.UNIT, body, files)
    audit(
        actor,
        "konsultasi.start",
        konsultasi,
        before={"status": None},
        subject=subject,
        soal=soal.portalrb_soal_id if soal else None,
        status=konsultasi.status,
    )
    return konsultasi


@transaction.atomic
def tpn_question_start(
    *,
    actor: Membership,
    cycle: Cycle,
    subject: str,
    body: str,
    unit: UnitKerja | None = None,
    files: Sequence[UploadedFile[bytes]] = (),
) -> Konsultasi:
    """The TPI asks KemenPANRB / TPN (a thread flagged ``for_tpn``), optionally about one unit."""
    require(actor, Cap.PENDAMPINGAN_TPI)
    if cycle.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    if unit is not None and unit.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    subject = (subject or "").strip()
    if not subject:
        raise ValidationError({"subject": [ValidationError(SUBJECT_REQUIRED)]})
    body = _check_message(body, files)
    konsultasi = Konsultasi.objects.create(
        instansi_id=actor.instansi_id,
        unit=unit,
        cycle=cycle,
        subject=subject[:200],
        for_tpn=True,
        created_by=actor.user,
        last_message_at=timezone.now(),
    )
    _post(actor, konsultasi, Pihak.TPI, body, files)
    audit(actor, "konsultasi.tpn_start", konsultasi, before={"status": None}, subject=subject, status=konsultasi.status)
    return konsultasi


def _post(
    actor: Membership, konsultasi: Konsultasi, side: str, body: str, files: Sequence[UploadedFile[bytes]]
) -> PesanKonsultasi:
    pesan = PesanKonsultasi.objects.create(
        instansi_id=konsultasi.instansi_id, konsultasi=konsultasi, side=side, author=actor.user, body=body
    )
    if files:
        _attach(actor, pesan, files)
    _notify(konsultasi, pesan, actor)
    return pesan


@transaction.atomic
def konsultasi_reply(
    *,
    actor: Membership,
    konsultasi: Konsultasi,
    body: str,
    files: Sequence[UploadedFile[bytes]] = (),
    action: str | None = None,
) -> PesanKonsultasi:
    """A reply on the actor's side, moved by the thread's table: ``ask`` from the asking side (the
    thread is open again), ``answer`` from the answering side (answered). ``action`` defaults to
    the one of the actor's side; naming the other side's is refused. A closed thread takes no
    reply: nothing is saved."""
    side = side_of(actor, konsultasi)
    if side is None:
        raise PermissionDeniedError(NOT_YOUR_THREAD)
    if action is None:
        action = ANSWER if side == konsultasi.answering_side else ASK
    if side == Pihak.TPN and files:
        files = ()  # national accounts have no evidence store of the instansi
    konsultasi = lock(konsultasi, related=("unit", "cycle", "instansi"))
    table = table_of(konsultasi)
    table.check(
        state=konsultasi.status,
        action=action,
        actor=actor,
        obj=konsultasi,
        message=THREAD_CLOSED,
        refusal=NOT_YOUR_THREAD,
    )
    body = _check_message(body, files)
    pesan = _post(actor, konsultasi, side, body, files)
    table.apply(
        obj=konsultasi,
        action=action,
        actor=actor,
        fields={"last_message_at": pesan.created_at},
        after_extra={"side": side},
        verb="konsultasi.reply",
    )
    return pesan


@transaction.atomic
def konsultasi_close(*, actor: Membership, konsultasi: Konsultasi) -> Konsultasi:
    """Either party closes the thread (the table's ``close``); a closed one is refused."""
    side = side_of(actor, konsultasi)
    if side is None:
        raise PermissionDeniedError(NOT_YOUR_THREAD)
    konsultasi = lock(konsultasi, related=("unit", "cycle", "instansi"))
    table = table_of(konsultasi)
    table.check(
        state=konsultasi.status,
        action=CLOSE,
        actor=actor,
        obj=konsultasi,
        message=ALREADY_CLOSED,
        refusal=NOT_YOUR_THREAD,
    )
    table.apply(obj=konsultasi, action=CLOSE, actor=actor, after_extra={"side": side}, verb="konsultasi.close")
    return konsultasi


def messages_of(konsultasi: Konsultasi) -> Iterable[PesanKonsultasi]:
    return (
        PesanKonsultasi.objects.filter(instansi_id=konsultasi.instansi_id, konsultasi=konsultasi)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
