"""TPN sets the year's proposal deadline; every instansi's proposals follow it."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from apps.core.errors import PermissionDeniedError, WindowClosed
from apps.pengusulan.deadlines import proposal_closes_on
from apps.pengusulan.models import ProposalDeadline
from apps.pengusulan.services import _require_window, proposal_deadline_set
from tests.tpn.conftest import TPNWorld, bearer


def put(token: str, tahun: int, body: dict):
    return Client().put(
        f"/api/v1/batas-pengusulan/{tahun}/", data=json.dumps(body), content_type="application/json", **bearer(token)
    )


def test_kemenpanrb_sets_the_deadline_through_the_api(tpn: TPNWorld) -> None:
    cycle = tpn.prb.wbk.cycle
    response = put(tpn.token_kemen, cycle.tahun, {"closes_on": f"{cycle.tahun}-06-30"})
    assert response.status_code == 200
    assert response.json() == {"tahun": cycle.tahun, "closes_on": f"{cycle.tahun}-06-30"}
    assert proposal_closes_on(cycle) == datetime.date(cycle.tahun, 6, 30)


def test_the_national_deadline_overrides_every_instansi_window(tpn: TPNWorld) -> None:
    cycle = tpn.prb.wbk.cycle
    _require_window(cycle)  # open by the instansi's own date (31 December in the test world)
    closes_on = datetime.date(cycle.tahun, 1, 1)
    proposal_deadline_set(actor=tpn.actor(tpn.kemal), tahun=cycle.tahun, closes_on=closes_on)
    if timezone.localdate() > closes_on:
        with pytest.raises(WindowClosed):
            _require_window(cycle)
    else:  # on 1 January itself the window is still open: the deadline day counts
        _require_window(cycle)


def test_only_kemenpanrb_and_only_inside_the_year(tpn: TPNWorld) -> None:
    tahun = tpn.prb.wbk.cycle.tahun
    with pytest.raises(PermissionDeniedError):
        proposal_deadline_set(actor=tpn.actor(tpn.tina), tahun=tahun, closes_on=datetime.date(tahun, 6, 30))
    with pytest.raises(ValidationError):
        proposal_deadline_set(actor=tpn.actor(tpn.kemal), tahun=tahun, closes_on=datetime.date(tahun + 1, 1, 5))
    response = put(tpn.token_kemen, tahun, {"closes_on": "besok"})
    assert response.status_code == 422
    assert "closes_on" in response.json()["fields"]
    assert put(tpn.token_tpn, tahun, {"closes_on": f"{tahun}-06-30"}).status_code == 403
    assert not ProposalDeadline.objects.exists()
