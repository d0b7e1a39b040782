"""What an evidence file is about: the objects that hold it, and whether an actor may see them.

The evidence store has no unit or role of its own. A file inherits the access of what it is
about (issue 18): an actor reaches a file when they uploaded it, or when they may see at least one
object that holds it, through that object's own ``access_*`` function (instansi → unit narrowing →
role capability → assignment). One table, read by every path that hands out a file: the download
and preview views, the LKE evidence picker and its attach check, the rencana aksi "to the LKE" step.

Each holder also names, for set-based reads (the picker), the capability its page needs and the
unit path of the holding object (``None``: an instansi-wide object, visible to no unit-narrowed
member).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap


@dataclass(frozen=True)
class EvidenceHolder:
    model: str  # "app_label.Model"
    field: str  # the FK or M2M to BuktiDukung
    capability: str  # what the holder's page needs (set-based reads)
    unit_path: str | None  # lookup of the holding object's unit path; None: instansi-wide
    check: Callable[[Membership, Any], object]  # the holder's access function; raises Http404/403

    def model_class(self) -> Any:
        return apps.get_model(self.model)


def _penilaian(actor: Membership, jawaban: Any) -> object:
    from apps.penilaian.access import access_penilaian

    return access_penilaian(actor, jawaban.penilaian.public_id)


def _realisasi(actor: Membership, realisasi: Any) -> object:
    from apps.rencana_aksi.access import access_realisasi

    return access_realisasi(actor, realisasi.public_id)


def _pakta(actor: Membership, pakta: Any) -> object:
    from apps.pencanangan.access import access_pakta

    return access_pakta(actor, pakta.public_id)


def _pencanangan(actor: Membership, pencanangan: Any) -> object:
    from apps.pencanangan.access import access_unit

    return access_unit(actor, pencanangan.unit.public_id)


def _penetapan(actor: Membership, penetapan: Any) -> object:
    from apps.unit_kerja.access import access_penetapan

    return access_penetapan(actor, penetapan.public_id)


def _tim_kerja(actor: Membership, tim: Any) -> object:
    from apps.timkerja.access import access_unit_year

    return access_unit_year(actor, tim.unit.public_id, tim.cycle.tahun)


def _pesan(actor: Membership, pesan: Any) -> object:
    from apps.pendampingan.access import access_konsultasi

    return access_konsultasi(actor, pesan.konsultasi.public_id)


def _instansi_eligibility(actor: Membership, eligibility: Any) -> object:
    from apps.tenancy.access import require_capability

    return require_capability(actor, Cap.PENGUSULAN_VIEW)


def _unit_eligibility(actor: Membership, eligibility: Any) -> object:
    from apps.pengusulan.access import access_unit_facts

    return access_unit_facts(actor, eligibility.unit.public_id)


def _surat(actor: Membership, surat: Any) -> object:
    from apps.pengusulan.access import access_surat

    return access_surat(actor, surat.public_id)


HOLDERS: tuple[EvidenceHolder, ...] = (
    EvidenceHolder("penilaian.Jawaban", "evidence", Cap.PENILAIAN_VIEW, "penilaian__unit__path", _penilaian),
    EvidenceHolder(
        "rencana_aksi.Realisasi", "evidence", Cap.RENCANA_AKSI_VIEW, "kegiatan__rencana__unit__path", _realisasi
    ),
    EvidenceHolder("pencanangan.PaktaIntegritas", "scan", Cap.PENCANANGAN_VIEW, "unit__path", _pakta),
    EvidenceHolder("pencanangan.Pencanangan", "documents", Cap.PENCANANGAN_VIEW, "unit__path", _pencanangan),
    EvidenceHolder("unit_kerja.Penetapan", "sk_file", Cap.PENETAPAN_VIEW, "unit__path", _penetapan),
    EvidenceHolder("timkerja.TimKerja", "sk_file", Cap.PENDAMPINGAN_VIEW, "unit__path", _tim_kerja),
    EvidenceHolder(
        "pendampingan.PesanKonsultasi", "attachments", Cap.PENDAMPINGAN_VIEW, "konsultasi__unit__path", _pesan
    ),
    EvidenceHolder("pengusulan.InstansiEligibility", "evidence", Cap.PENGUSULAN_VIEW, None, _instansi_eligibility),
    EvidenceHolder("pengusulan.UnitEligibility", "evidence", Cap.PENGUSULAN_VIEW, "unit__path", _unit_eligibility),
    EvidenceHolder("pengusulan.SuratPengusulan", "sptjm_file", Cap.PENGUSULAN_VIEW, None, _surat),
)

# How many holding objects of one kind are tried for one file (a file is attached a handful of times).
_HOLDERS_TRIED = 20


def bukti_is_visible(actor: Membership, bukti: Any) -> bool:
    """The per-file rule: the uploader, or whoever may see one object that holds the file."""
    if bukti.uploaded_by_id is not None and bukti.uploaded_by_id == actor.user_id:
        return True
    for holder in HOLDERS:
        owners = holder.model_class().objects.filter(instansi_id=actor.instansi_id, **{holder.field: bukti})
        for owner in owners[:_HOLDERS_TRIED]:
            try:
                holder.check(actor, owner)
            except (Http404, PermissionDenied):
                continue
            return True
    return False


def bukti_of_unit_q(*, actor: Membership, unit_path: str) -> Q:
    """Set-based: a filter on ``BuktiDukung`` for the files held by objects of the unit subtree at
    ``unit_path`` whose kind the actor's role may see, or uploaded by the actor. The caller has
    already checked that the actor reaches that unit."""
    condition = Q(uploaded_by_id=actor.user_id)
    for holder in HOLDERS:
        if holder.unit_path is None or not actor.can(holder.capability):
            continue
        owners = holder.model_class().objects.filter(
            instansi_id=actor.instansi_id, **{f"{holder.unit_path}__startswith": unit_path}
        )
        condition |= Q(pk__in=owners.exclude(**{f"{holder.field}__isnull": True}).values(f"{holder.field}__pk"))
    return condition
