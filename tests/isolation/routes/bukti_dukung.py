"""Isolation entries for the evidence store."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.bukti_dukung.models import BuktiDukung
from apps.bukti_dukung.services import bukti_dukung_upload
from apps.tenancy.models import Membership
from apps.tenancy.scope import scope
from tests.isolation.registry import ObjectRoute

PDF = b"%PDF-1.4\n%rahasia A\n%%EOF\n"


def make_bukti(world) -> BuktiDukung:
    with scope(world.instansi_a.pk):
        return bukti_dukung_upload(
            actor=Membership.objects.get(user=world.ani), file=SimpleUploadedFile("rahasia-a.pdf", PDF)
        )


OBJECT_ROUTES = [
    ObjectRoute("bukti_dukung:download", lambda w: {"public_id": make_bukti(w).public_id}),
    ObjectRoute("bukti_dukung:preview", lambda w: {"public_id": make_bukti(w).public_id}),
]

TENANT_MODELS = {BuktiDukung: make_bukti}

OWNERS = {"bukti_dukung:download": "ani", "bukti_dukung:preview": "ani"}  # the uploader
