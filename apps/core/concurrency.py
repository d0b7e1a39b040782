"""Optimistic locking for user edits: no lost updates (docs/security.md V15.4, V2.3).

An editable record carries ``version`` (1 when created, +1 on every save). The form sends back
the version it was built from (0 when the record did not exist yet). The service re-reads the row
under ``select_for_update`` and calls :func:`version_check`: a different version means someone
saved in between, and the save is refused with :class:`VersionConflict` — nothing is written. The
view then shows :func:`form_after_conflict`: the person's own input, kept, now carrying the current
version, with the conflict message; a deliberate second submit then wins, knowingly.

Two first saves racing for a record that does not exist yet both see version 0; the unique
constraint lets one insert, and :func:`save_or_conflict` turns the other's IntegrityError into the
same conflict.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from apps.core.errors import ConflictError

VERSION_CONFLICT = _(
    "Someone else saved this meanwhile. Your input is kept below: check the saved values and submit again."
)


class VersionConflict(ConflictError):
    code = "conflict"
    default_message = VERSION_CONFLICT


def version_field() -> forms.IntegerField:
    """The hidden form field carrying the version the form was built from."""
    return forms.IntegerField(min_value=0, widget=forms.HiddenInput)


def version_of(row: models.Model | None) -> int:
    return int(getattr(row, "version", 0) or 0) if row is not None else 0


def version_check(row: models.Model | None, version: int | None) -> None:
    """Refuse the save unless ``version`` is the locked row's (0: the row must not exist yet).

    ``version=None`` is a system write (demo data, an import) that did not come from a form.
    """
    if version is None:
        return
    if int(version) != version_of(row):
        raise VersionConflict(VERSION_CONFLICT)


def save_or_conflict(row: models.Model, **kwargs: Any) -> None:
    """Save with ``version`` bumped; a unique-constraint race on a first save becomes a conflict."""
    row.version = version_of(row) + 1 if row.pk else 1  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            row.save(**kwargs)
    except IntegrityError as exc:
        raise VersionConflict(VERSION_CONFLICT) from exc


def form_after_conflict(
    form_class: Callable[..., forms.BaseForm], request: HttpRequest, current_version: int, **kwargs: Any
) -> forms.BaseForm:
    """The person's own input again (files must be chosen again), carrying the version saved now."""
    data = request.POST.copy()
    data["version"] = str(current_version)
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, VERSION_CONFLICT)
    return form
