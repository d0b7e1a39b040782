"""Who reaches what of TPN (STYLE §4): a proposal on the national desk, a national user's own API
token, a result of a stage. The views (web and ``/api/v1/``) call these; nothing else decides."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.pengusulan.models import Pengusulan
from apps.tenancy.models import Instansi, Membership
from apps.tpn.models import ApiToken
from apps.tpn.permissions import can_record
from apps.tpn.selectors import api_tokens_for, proposal_get_national, unit_get_national
from apps.unit_kerja.models import UnitKerja


def access_national_proposal(public_id: Any) -> Pengusulan:
    """A proposed pengusulan of any instansi for the national desk (the caller is already a national
    member: ``national_required`` or the national token); a missing or draft one is a 404."""
    pengusulan = proposal_get_national(public_id=public_id)
    if pengusulan is None:
        raise Http404
    return pengusulan


def access_national_unit(public_id: Any) -> UnitKerja:
    """A unit kerja of any instansi that has been proposed at least once; any other is a 404."""
    unit = unit_get_national(public_id=public_id)
    if unit is None:
        raise Http404
    return unit


def access_national_instansi(code: str) -> Instansi:
    """An active instansi by its code, for KemenPANRB's settings (quota); any other is a 404."""
    instansi = Instansi.objects.filter(code=code, is_active=True).first()
    if instansi is None:
        raise Http404
    return instansi


def access_api_token(user: Any, public_id: Any) -> ApiToken:
    """One of the user's own personal API tokens; anyone else's (or none) is a 404."""
    token = api_tokens_for(user=user).filter(public_id=public_id).first()
    if token is None:
        raise Http404
    return token


def require_record(actor: Membership | None, stage: str) -> Membership:
    """403 unless the national ``actor`` may record a result of ``stage`` (apps.tpn.permissions)."""
    if actor is None or not can_record(actor, stage):
        raise PermissionDenied
    return actor
