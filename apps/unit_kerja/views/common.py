"""What the unit kerja pages share: the versioned edit, the posted data, a ``?unit=`` prefill."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpRequest

from apps.core.concurrency import VersionConflict, form_after_conflict
from apps.core.forms import run_service
from apps.tenancy.models import Membership
from apps.unit_kerja import selectors
from apps.unit_kerja.models import (
    UnitKerja,
)


def _run_versioned[T](
    request: HttpRequest,
    form: forms.BaseForm,
    call: Callable[[], T],
    rebuild: Callable[[Any], forms.BaseForm],
    current_version: Callable[[], int],
) -> tuple[T | None, forms.BaseForm]:
    """Run an edit service; a stale version (someone saved meanwhile) gives back the person's own
    input carrying the version saved now, with the conflict message — nothing was written."""
    try:
        return run_service(form, call, reraise=(VersionConflict,)), form
    except VersionConflict:
        return None, form_after_conflict(rebuild, request, current_version())


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _visible_unit(actor: Membership, raw: str | None) -> UnitKerja | None:
    """A ``?unit=`` prefill: only a unit the actor can see; anything else is silently ignored."""
    if not raw:
        return None
    try:
        public_id = uuid.UUID(raw)
    except ValueError:
        return None
    return selectors.unit_kerja_choices(actor=actor).filter(public_id=public_id).first()
