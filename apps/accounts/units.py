"""The units of an instansi as accounts sees them. Unit kerja is a layer above accounts: the unit
a membership may be narrowed to (the people page's forms) comes from it through this hook,
registered by ``UnitKerjaConfig.ready`` — as its units' signals reach the cached principal
(``apps/accounts/principal.py``). Accounts never imports unit_kerja."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from apps.tenancy.models import Instansi


class UnitChoices(Protocol):
    def __call__(self, *, instansi: Instansi) -> QuerySet[Any]: ...


_unit_choices: list[UnitChoices] = []


def register_unit_choices(choices: UnitChoices) -> None:
    _unit_choices[:] = [choices]


def unit_choices(*, instansi: Instansi) -> QuerySet[Any]:
    """Units a membership may be narrowed to: the instansi's own active units, in tree order."""
    if not _unit_choices:
        raise ImproperlyConfigured("The unit choices are registered by apps.unit_kerja (UnitKerjaConfig.ready).")
    return _unit_choices[0](instansi=instansi)
