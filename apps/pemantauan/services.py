"""Writes of the monitoring after the predikat (issue 17): complaints, early warnings, the yearly
evaluation, the revocation proposal and KemenPANRB's decision on it. Atomic and audited; a refusal
raises before anything is written."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import audit, guarded, lock, require
from apps.audit.services import audit_record
from apps.bukti_dukung.services import bukti_dukung_upload
from apps.core.errors import PermissionDeniedError, TransitionNotAllowed
from apps.notifications.services import notify
from apps.pemantauan.models import (
    JenisPeringatan,
    Pengaduan,
    PeringatanDini,
    Saluran,
    StatusUsulan,
    UsulanPencabutan,
)
from apps.pemantauan.selectors import unit_year_figures
from apps.pemantauan.workflows import USULAN_PENCABUTAN
from apps.pengusulan.models import PredikatUnit
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.roles import ROLE_CAPABILITIES, Cap
from apps.tenancy.scope import scope
from apps.tenancy.selectors import membership_list_for_instansi

ISI_REQUIRED = _("Describe what happened.")
ISI_TOO_LONG = _("At most 5,000 characters.")
NOT_PREDICATED = _("This unit holds no standing WBK/WBBM predikat.")
ALASAN_REQUIRED = _("Give the reason for the revocation.")
BUKTI_REQUIRED = _("Attach at least one piece of evidence.")
ALREADY_PROPOSED = _("A revocation of this predikat is already waiting for KemenPANRB.")
REVOKED_ON_REQUIRED = _("Give the date of the revocation.")
NOTES_REQUIRED = _("Give the reason for the decision.")

# Survey index thresholds on the LKE's 0–4 scale (REFERENCE §3.1: IPAK 15.75 = 3.60; IPKP 14.00 = 3.20
# for WBK, 15.75 = 3.60 for WBBM) and the LKE total.
INDEX_MINIMUM = {
    ("WBK", JenisPeringatan.IPAK): Decimal("3.60"),
    ("WBBM", JenisPeringatan.IPAK): Decimal("3.60"),
    ("WBK", JenisPeringatan.IPKP): Decimal("3.20"),
    ("WBBM", JenisPeringatan.IPKP): Decimal("3.60"),
}
LKE_MINIMUM = {"WBK": Decimal("75"), "WBBM": Decimal("85")}


# Who monitors a predicated unit in the instansi: the admin ZI, the pimpinan instansi, the TPI.
MONITOR_CAPS = (Cap.PENGUSULAN_MANAGE, Cap.PENGUSULAN_SUBMIT, Cap.PENILAIAN_REVIEW)


def can_monitor(actor: Membership | None) -> bool:
    return actor is not None and actor.instansi_id is not None and any(actor.can(c) for c in MONITOR_CAPS)


def _watchers(instansi: Instansi) -> list[Any]:
    """Who is told about a warning: the admin ZI, the pimpinan instansi and the TPI (who monitors)."""
    roles = sorted(
        role
        for role, caps in ROLE_CAPABILITIES.items()
        if Cap.PENGUSULAN_MANAGE in caps or Cap.PENGUSULAN_SUBMIT in caps or Cap.PENILAIAN_REVIEW in caps
    )
    rows = membership_list_for_instansi(instansi=instansi).filter(is_active=True, role__in=roles)
    return list({row.user.pk: row.user for row in rows if row.user.is_active}.values())


def standing_predikat(*, unit: Any) -> PredikatUnit | None:
    """The unit's latest predikat that is not revoked (the one monitored), or None."""
    return (
        PredikatUnit.objects.filter(instansi_id=unit.instansi_id, unit=unit, revoked_at__isnull=True)
        .order_by("-tahun", "-decree_date")
        .first()
    )


def _warn(
    *,
    predikat: PredikatUnit,
    tahun: int,
    jenis: str,
    nilai: Decimal | None,
    ambang: Decimal | None,
    keterangan: str,
    actor_user: Any = None,
) -> PeringatanDini:
    """Raise (or refresh) the warning of this kind for the predikat and year: the unique constraint
    makes it one row whatever the number of evaluations; the watchers are told once per warning."""
    warning, created = PeringatanDini.objects.get_or_create(
        instansi_id=predikat.instansi_id,
        predikat=predikat,
        tahun=tahun,
        jenis=jenis,
        defaults={"unit_id": predikat.unit_id, "nilai": nilai, "ambang": ambang, "keterangan": keterangan},
    )
    before = None
    if not created:
        before = {"nilai": str(warning.nilai), "keterangan": warning.keterangan}
        warning.nilai, warning.ambang, warning.keterangan = nilai, ambang, keterangan
        warning.save(update_fields=["nilai", "ambang", "keterangan", "updated_at"])
    audit_record(
        actor=actor_user,
        verb="pemantauan.peringatan",
        obj=warning,
        before=before,
        after={"jenis": jenis, "tahun": tahun, "nilai": str(nilai), "ambang": str(ambang), "keterangan": keterangan},
    )
    if created:
        unit = predikat.unit
        for user in _watchers(predikat.instansi):
            notify(
                instansi=predikat.instansi,
                recipient=user,
                kind="pemantauan_peringatan",
                key=f"pemantauan-peringatan:{warning.public_id}",
                template="pemantauan-warning",
                context={
                    "unit_name": unit.name,
                    "predikat": predikat.predikat,
                    "tahun": tahun,
                    "jenis": warning.get_jenis_display(),
                    "keterangan": keterangan,
                },
                link=reverse("pemantauan:overview") + f"?tahun={tahun}",
            )
    return warning


# -----------------------------------------------------------------------------
# Complaints
# -----------------------------------------------------------------------------


def _clean_isi(isi: str) -> str:
    isi = (isi or "").strip()
    if not isi:
        raise ValidationError({"isi": ValidationError(ISI_REQUIRED, code="required")})
    if len(isi) > 5000:
        raise ValidationError({"isi": ValidationError(ISI_TOO_LONG, code="max_length")})
    return isi


def _record_complaint(*, unit: Any, isi: str, saluran: str, pelapor: str, kontak: str, actor_user: Any) -> Pengaduan:
    isi = _clean_isi(isi)
    predikat = standing_predikat(unit=unit)
    if predikat is None:
        raise TransitionNotAllowed(NOT_PREDICATED, code="not_predicated")
    now = timezone.now()
    pengaduan = Pengaduan(
        instansi_id=unit.instansi_id,
        predikat=predikat,
        unit=unit,
        saluran=saluran,
        isi=isi,
        pelapor=(pelapor or "").strip()[:150],
        kontak=(kontak or "").strip()[:150],
        diterima_pada=now,
        dicatat_oleh=actor_user,
    )
    pengaduan.full_clean(exclude=["instansi", "predikat", "unit", "dicatat_oleh"])
    pengaduan.save()
    audit_record(
        actor=actor_user,
        verb="pemantauan.pengaduan",
        obj=pengaduan,
        after={"unit": unit.code, "saluran": saluran, "predikat": predikat.predikat},
    )
    tahun = timezone.localdate().year
    count = Pengaduan.objects.filter(instansi_id=unit.instansi_id, predikat=predikat, diterima_pada__year=tahun).count()
    _warn(
        predikat=predikat,
        tahun=tahun,
        jenis=JenisPeringatan.PENGADUAN,
        nilai=Decimal(count),
        ambang=None,
        keterangan=isi[:300],
        actor_user=actor_user,
    )
    return pengaduan


def pengaduan_public_submit(*, unit: Any, isi: str, pelapor: str = "", kontak: str = "") -> Pengaduan:
    """A member of the public reports on a predicated unit (no login). The unit's instansi scope
    is opened here, as the public pages do."""
    with scope(unit.instansi_id), transaction.atomic():
        return _record_complaint(
            unit=unit, isi=isi, saluran=Saluran.PUBLIK, pelapor=pelapor, kontak=kontak, actor_user=None
        )


@transaction.atomic
def pengaduan_record(
    *, actor: Membership, unit: Any, isi: str, saluran: str = Saluran.LAPOR, pelapor: str = "", kontak: str = ""
) -> Pengaduan:
    """Staff record a complaint received elsewhere (SP4N-LAPOR!, the media…)."""
    require(actor, *MONITOR_CAPS)
    if unit.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    if saluran not in Saluran.values:
        saluran = Saluran.LAINNYA
    return _record_complaint(unit=unit, isi=isi, saluran=saluran, pelapor=pelapor, kontak=kontak, actor_user=actor.user)


# -----------------------------------------------------------------------------
# The yearly evaluation (LKE and survey indices)
# -----------------------------------------------------------------------------


def pemantauan_evaluate_by(*, actor: Membership, tahun: int) -> list[PeringatanDini]:
    """Run the yearly evaluation now (a monitor's button)."""
    require(actor, *MONITOR_CAPS)
    return pemantauan_evaluate(instansi_id=actor.instansi_id, tahun=tahun, actor_user=actor.user)  # type: ignore[arg-type]


def pemantauan_evaluate(*, instansi_id: int, tahun: int, actor_user: Any = None) -> list[PeringatanDini]:
    """Check every standing predikat of the instansi for ``tahun``: the year's LKE (the last tier
    answered) against the predikat's total, and the year's survey indices (on 0–4) against IPAK/IPKP.
    Idempotent: a warning is one row per (predikat, year, kind). Run by the beat and on demand."""
    raised = []
    with scope(instansi_id), transaction.atomic():
        for predikat in PredikatUnit.objects.filter(instansi_id=instansi_id, revoked_at__isnull=True).select_related(
            "unit", "instansi"
        ):
            figures = unit_year_figures(unit=predikat.unit, tahun=tahun)
            for jenis in (JenisPeringatan.IPAK, JenisPeringatan.IPKP):
                value = figures.get(jenis)
                minimum = INDEX_MINIMUM[(predikat.predikat, jenis)]
                if value is not None and value < minimum:
                    raised.append(
                        _warn(
                            predikat=predikat,
                            tahun=tahun,
                            jenis=jenis,
                            nilai=value,
                            ambang=minimum,
                            keterangan=f"{value} < {minimum}",
                            actor_user=actor_user,
                        )
                    )
            total = figures.get(JenisPeringatan.LKE)
            minimum = LKE_MINIMUM[predikat.predikat]
            if total is not None and total < minimum:
                raised.append(
                    _warn(
                        predikat=predikat,
                        tahun=tahun,
                        jenis=JenisPeringatan.LKE,
                        nilai=total,
                        ambang=minimum,
                        keterangan=f"{total} < {minimum}",
                        actor_user=actor_user,
                    )
                )
    return raised


# -----------------------------------------------------------------------------
# Revocation: the instansi proposes, KemenPANRB decides
# -----------------------------------------------------------------------------


@transaction.atomic
def usulan_pencabutan_create(
    *, actor: Membership, unit: Any, alasan: str, bukti_files: Sequence[UploadedFile[bytes]]
) -> UsulanPencabutan:
    """The instansi (admin ZI, pimpinan instansi or TPI) proposes to KemenPANRB to revoke the unit's
    predikat, with the reason and at least one piece of evidence."""
    require(actor, *MONITOR_CAPS)
    instansi_id = actor.instansi_id
    if instansi_id is None or unit.instansi_id != instansi_id:
        raise PermissionDeniedError
    alasan = (alasan or "").strip()
    if not alasan:
        raise ValidationError({"alasan": ValidationError(ALASAN_REQUIRED, code="required")})
    if not bukti_files:
        raise ValidationError({"bukti": ValidationError(BUKTI_REQUIRED, code="required")})
    predikat = standing_predikat(unit=unit)
    if predikat is None:
        raise TransitionNotAllowed(NOT_PREDICATED, code="not_predicated")
    if UsulanPencabutan.objects.filter(predikat=predikat, status=StatusUsulan.DIUSULKAN).exists():
        raise TransitionNotAllowed(ALREADY_PROPOSED, code="already_proposed")
    usulan = UsulanPencabutan.objects.create(
        instansi_id=instansi_id, predikat=predikat, unit=unit, alasan=alasan, diusulkan_oleh=actor.user
    )
    files = [
        bukti_dukung_upload(actor=actor, file=f, description=f"Usulan pencabutan {unit.code}") for f in bukti_files
    ]
    usulan.bukti.add(*files)
    audit(
        actor,
        "pemantauan.usulan_pencabutan",
        usulan,
        status=usulan.status,
        predikat=predikat.predikat,
        bukti=[f.original_name for f in files],
    )
    return usulan


def usulan_pencabutan_decide(
    *,
    actor: Membership,
    usulan: UsulanPencabutan,
    decision: str,
    notes: str = "",
    revoked_on: datetime.date | None = None,
) -> UsulanPencabutan:
    """KemenPANRB decides (``decision`` "revoke" or "reject", the USULAN_PENCABUTAN table). A
    revocation ends the PredikatUnit on ``revoked_on``: the unit may not be proposed for two years
    (apps.pengusulan.eligibility). National: the usulan's instansi scope is opened here."""
    if not actor.is_national:
        raise PermissionDeniedError
    with scope(usulan.instansi_id), transaction.atomic():
        usulan = lock(usulan, related=("predikat", "unit"))
        USULAN_PENCABUTAN.check(state=usulan.status, action=decision, actor=actor)
        notes = (notes or "").strip()
        if not notes:
            raise ValidationError({"notes": ValidationError(NOTES_REQUIRED, code="required")})
        if decision == "revoke":
            if revoked_on is None:
                raise ValidationError({"revoked_on": ValidationError(REVOKED_ON_REQUIRED, code="required")})
            write = guarded(actor, usulan.predikat)
            held = write.row
            if held.revoked_at is not None:
                raise TransitionNotAllowed(NOT_PREDICATED, code="not_predicated")
            held.revoked_at = revoked_on
            held.revoked_reason = notes
            held.save(update_fields=["revoked_at", "revoked_reason", "updated_at"])
            write.audit(
                "pengusulan.predikat_revoke",
                before={"revoked_at": None},
                revoked_at=str(revoked_on),
                reason=notes,
                usulan=str(usulan.public_id),
            )
        USULAN_PENCABUTAN.apply(
            obj=usulan,
            action=decision,
            actor=actor,
            fields={
                "diputus_oleh": actor.user,
                "catatan_keputusan": notes,
                "dicabut_pada": revoked_on if decision == "revoke" else None,
            },
            after_extra={"notes": notes, "revoked_on": str(revoked_on or "")},
            verb=f"pemantauan.usulan_{decision}",
        )
        return usulan
