"""The penilaian's holders of evidence, registered with ``apps.bukti_dukung.holders`` (imported by
``PenilaianConfig.ready``): an answer's files are seen by whoever may see its penilaian."""

from __future__ import annotations

from apps.bukti_dukung.holders import EvidenceHolder, register_holder
from apps.penilaian.access import access_penilaian
from apps.penilaian.models import Jawaban
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap


def _jawaban(actor: Membership, jawaban: Jawaban) -> object:
    return access_penilaian(actor, jawaban.penilaian.public_id)


register_holder(EvidenceHolder("penilaian.Jawaban", "evidence", Cap.PENILAIAN_VIEW, "penilaian__unit__path", _jawaban))
