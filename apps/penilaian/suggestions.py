"""The worksheet's suggestions, as a registry: where ZI already knows a number or a fact, the
worksheet offers it next to the soal with a link to its source (never an answer). The rules read
records of apps above penilaian (the tim kerja, the rencana aksi, the asistensi of the TPI), so the
app that holds them registers its provider at start-up (``apps.pendampingan.suggestions``); with
none registered, no soal has a suggestion.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from apps.penilaian.models import Penilaian


@dataclass(frozen=True)
class Suggestion:
    value: str
    reason: str
    link: str
    source: str


class Provider(Protocol):
    def __call__(
        self, *, penilaian: Penilaian, soal_ids: Collection[int], today: datetime.date | None = None
    ) -> dict[int, Suggestion]: ...


_providers: list[Provider] = []


def register_suggestions(provider: Provider) -> None:
    """Called from an ``AppConfig.ready``; registering the same provider twice is a no-op."""
    if provider not in _providers:
        _providers.append(provider)


def suggestions_for(
    *, penilaian: Penilaian, soal_ids: Collection[int], today: datetime.date | None = None
) -> dict[int, Suggestion]:
    """The suggestion of every soal among ``soal_ids`` (a worksheet section) that a provider knows."""
    found: dict[int, Suggestion] = {}
    for provider in _providers:
        found.update(provider(penilaian=penilaian, soal_ids=soal_ids, today=today))
    return found
