"""The holders of evidence register themselves (``apps.bukti_dukung.holders``): a field that holds
``BuktiDukung`` files and is not registered would make its files reachable by the uploader only."""

from __future__ import annotations

from django.apps import apps

from apps.bukti_dukung.holders import holders
from apps.bukti_dukung.models import BuktiDukung

# Fields that hold files without being a holder, each with its reason.
NOT_HOLDERS = {
    # A revocation proposal's files are listed to KemenPANRB on pemantauan's national page only;
    # inside the instansi the uploader reaches them.
    ("pemantauan.UsulanPencabutan", "bukti"),
}


def evidence_fields() -> set[tuple[str, str]]:
    found = set()
    for model in apps.get_models():
        if model is BuktiDukung:
            continue
        for field in model._meta.get_fields():
            if field.is_relation and not field.auto_created and field.related_model is BuktiDukung:
                found.add((model._meta.label, field.name))
    return found


def test_every_field_holding_evidence_is_a_registered_holder() -> None:
    registered = {(holder.model, holder.field) for holder in holders()}
    assert evidence_fields() - NOT_HOLDERS == registered


def test_every_holder_names_a_real_field() -> None:
    for holder in holders():
        field = holder.model_class()._meta.get_field(holder.field)
        assert field.related_model is BuktiDukung, holder
