"""What every rencana aksi service shares: the messages of more than one topic, the checks of the
unit and the pokja rule, the rows read with the locked plan, the history and revision of a plan
under change, and the notices of the workflow. The capability check, the row lock and the audit row
are :mod:`apps.audit.guarded`'s."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import lock
from apps.core.errors import PermissionDeniedError, TransitionNotAllowed
from apps.notifications.services import notify
from apps.rencana_aksi import selectors
from apps.rencana_aksi.models import Kegiatan, PlanStatus, RealisasiStatus, RencanaAksi, RencanaAksiRevisi
from apps.rencana_aksi.workflows import RENCANA_AKSI
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.timkerja.permissions import pokja_areas
from apps.unit_kerja.models import UnitKerja

if TYPE_CHECKING:
    from apps.accounts.models import User


S = PlanStatus
R = RealisasiStatus


NOT_YOUR_UNIT = _("This unit is outside your unit kerja.")
REASON_REQUIRED = _("The plan is approved: give the reason for this change (it opens a new revision).")
WAITING_APPROVAL = _("The plan is waiting for approval: ask the pimpinan unit to return it before changing it.")
NOTE_REQUIRED = _("Write a note saying what to fix.")
NOT_YOUR_AREA = _("As a pokja member you edit only the kegiatan of your own area perubahan.")

# Read with the locked plan (``lock(rencana, related=JOINED)``); only the plan row is locked.
JOINED = ("unit", "cycle", "instansi")


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


def _require_kegiatan_edit(actor: Membership, rencana: RencanaAksi, current: int | None, wanted: int | None) -> None:
    """Cap.RENCANA_AKSI_EDIT, or a pokja member whose areas hold the kegiatan's area (now and after
    the change). Choosing another area is a message beside the field; anything else is a 403."""
    if actor.instansi_id is not None and actor.can(Cap.RENCANA_AKSI_EDIT):
        return

    if actor.instansi_id is None or actor.instansi_id != rencana.instansi_id:
        raise PermissionDeniedError
    areas = pokja_areas(actor=actor, unit=rencana.unit, cycle=rencana.cycle)
    if not areas or (current is not None and current not in areas):
        raise PermissionDeniedError
    if wanted is not None and wanted not in areas:
        raise ValidationError({"area": ValidationError(NOT_YOUR_AREA, code="not_your_area")})


def _require_unit(actor: Membership, unit: UnitKerja) -> None:
    if unit.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    if actor.is_unit_narrowed and actor.unit is not None and not unit.path.startswith(actor.unit.path):
        raise PermissionDeniedError(NOT_YOUR_UNIT)


def _plan_link(rencana: RencanaAksi) -> str:
    return reverse("rencana_aksi:rencana-detail", kwargs={"public_id": rencana.public_id})


def kegiatan_snapshot(rencana: RencanaAksi) -> list[dict[str, Any]]:
    """The plan's kegiatan as JSON (kept in the history when a revision opens or is approved)."""
    rows = Kegiatan.objects.filter(instansi_id=rencana.instansi_id, rencana=rencana).select_related("pic", "soal")
    return [
        {
            "id": str(k.public_id),
            "area": k.area,
            "kegiatan": k.description,
            "output": k.output,
            "indikator": k.indicator,
            "target": f"{k.target_value} {k.target_unit}",
            "pic": k.pic.name if k.pic else "",
            "bulan": k.months,
            "tenggat": k.deadline.isoformat(),
            "anggaran": str(k.budget) if k.budget is not None else None,
            "soal": k.soal.portalrb_soal_id if k.soal else None,
        }
        for k in rows
    ]


def _history(actor: Membership | None, rencana: RencanaAksi, event: str, *, reason: str = "", snap: bool) -> None:
    RencanaAksiRevisi.objects.create(
        instansi_id=rencana.instansi_id,
        rencana=rencana,
        revision=rencana.revision,
        event=event,
        reason=reason,
        snapshot=kegiatan_snapshot(rencana) if snap else [],
        actor=actor.user if actor else None,
    )


def _check_editable(rencana: RencanaAksi, reason: str) -> str:
    """The plan may take a kegiatan change: not while submitted; when approved, only with a reason
    (returned stripped)."""
    if rencana.status == S.SUBMITTED:
        raise TransitionNotAllowed(WAITING_APPROVAL)
    reason = (reason or "").strip()
    if rencana.status == S.APPROVED and not reason:
        raise ValidationError({"reason": ValidationError(REASON_REQUIRED, code="reason_required")})
    return reason


def _prepare_change(actor: Membership, rencana: RencanaAksi, reason: str) -> RencanaAksi:
    """Lock the plan and make it editable: a draft is; a submitted plan is not; an approved plan
    opens revision n+1 when a reason is given. Call first in every kegiatan write."""
    rencana = lock(rencana, related=JOINED)
    reason = _check_editable(rencana, reason)
    if rencana.status == S.APPROVED:
        RENCANA_AKSI.apply(
            obj=rencana,
            action="revise",
            actor=actor,
            fields={"revision": rencana.revision + 1},
            before_extra={"revision": rencana.revision},
            after_extra={"revision": rencana.revision + 1, "reason": reason},
            verb="rencana_aksi.revise",
        )
        # Recorded under the new revision, with the kegiatan as approved (nothing changed yet).
        _history(actor, rencana, RencanaAksiRevisi.Event.REVISED, reason=reason, snap=True)
    return rencana


def _approvers(rencana: RencanaAksi) -> list[User]:
    return selectors.unit_members_with(unit=rencana.unit, capability=Cap.RENCANA_AKSI_APPROVE)


def _notify_all(
    rencana: RencanaAksi, users: Sequence[User], *, kind: str, key: str, context: dict[str, Any], link: str
) -> None:
    for user in {u.pk: u for u in users}.values():
        notify(
            instansi=rencana.instansi,
            recipient=user,
            kind=kind,
            key=key,
            template="rencana-aksi-workflow",
            context={"event": kind, "unit_name": rencana.unit.name, "tahun": rencana.cycle.tahun, **context},
            link=link,
        )
