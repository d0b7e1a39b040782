"""The pendampingan's holders of evidence, registered with ``apps.bukti_dukung.holders`` (imported by
``PendampinganConfig.ready``): a tim kerja's SK and a consultation message's attachments."""

from __future__ import annotations

from apps.bukti_dukung.holders import EvidenceHolder, register_holder
from apps.pendampingan.access import access_konsultasi, access_unit_year
from apps.pendampingan.models import PesanKonsultasi, TimKerja
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap


def _tim_kerja(actor: Membership, tim: TimKerja) -> object:
    return access_unit_year(actor, tim.unit.public_id, tim.cycle.tahun)


def _pesan(actor: Membership, pesan: PesanKonsultasi) -> object:
    return access_konsultasi(actor, pesan.konsultasi.public_id)


register_holder(EvidenceHolder("pendampingan.TimKerja", "sk_file", Cap.PENDAMPINGAN_VIEW, "unit__path", _tim_kerja))
register_holder(
    EvidenceHolder(
        "pendampingan.PesanKonsultasi", "attachments", Cap.PENDAMPINGAN_VIEW, "konsultasi__unit__path", _pesan
    )
)
