"""The rencana aksi's holders of evidence, registered with ``apps.bukti_dukung.holders`` (imported by
``RencanaAksiConfig.ready``): a realisation's files are seen by whoever may see the realisation."""

from __future__ import annotations

from apps.bukti_dukung.holders import EvidenceHolder, register_holder
from apps.rencana_aksi.access import access_realisasi
from apps.rencana_aksi.models import Realisasi
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap


def _realisasi(actor: Membership, realisasi: Realisasi) -> object:
    return access_realisasi(actor, realisasi.public_id)


register_holder(
    EvidenceHolder(
        "rencana_aksi.Realisasi", "evidence", Cap.RENCANA_AKSI_VIEW, "kegiatan__rencana__unit__path", _realisasi
    )
)
