"""The pendampingan's holders of evidence, registered with ``apps.bukti_dukung.holders`` (imported by
``PendampinganConfig.ready``): a consultation message's attachments."""

from __future__ import annotations

from apps.bukti_dukung.holders import EvidenceHolder, register_holder
from apps.pendampingan.access import access_konsultasi
from apps.pendampingan.models import PesanKonsultasi
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap


def _pesan(actor: Membership, pesan: PesanKonsultasi) -> object:
    return access_konsultasi(actor, pesan.konsultasi.public_id)


register_holder(
    EvidenceHolder(
        "pendampingan.PesanKonsultasi", "attachments", Cap.PENDAMPINGAN_VIEW, "konsultasi__unit__path", _pesan
    )
)
