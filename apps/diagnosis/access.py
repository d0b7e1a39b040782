"""The only way from an id in a request to a diagnosis object (a layanan utama, an issue, a risk):
another instansi's object, a missing one, or one outside a unit-narrowed member's subtree is a 404;
the unit's writes take ``Cap.PENDAMPINGAN_EDIT`` (``apps.timkerja.access`` holds the rule of the
unit and year)."""

from __future__ import annotations

from typing import TypeVar

from apps.diagnosis.models import IsuStrategis, LayananUtama, Risiko
from apps.tenancy.models import Membership, TenantModel
from apps.timkerja import access as unit_access

T = TypeVar("T", bound=TenantModel)


def access_risiko(actor: Membership | None, public_id: object) -> Risiko:
    return unit_access.access_unit_row(Risiko, actor, public_id, "diagnosis.unit")


def access_layanan(actor: Membership | None, public_id: object) -> LayananUtama:
    return unit_access.access_unit_row(LayananUtama, actor, public_id, "diagnosis.unit")


def access_isu(actor: Membership | None, public_id: object) -> IsuStrategis:
    return unit_access.access_unit_row(IsuStrategis, actor, public_id, "diagnosis.unit")


def access_deleted(model: type[T], actor: Membership | None, public_id: object) -> T:
    """A soft-deleted row of a diagnosis (risk, issue, service) of the actor's instansi and reach,
    for its restore (else 404)."""
    return unit_access.access_deleted(model, actor, public_id, "diagnosis.unit")
