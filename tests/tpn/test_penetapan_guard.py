"""Penetapan over a TPN score below a threshold (issue 17): refused without an explicit override; with
one, recorded, audited and shown to the instansi on its proposal page."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.pengusulan.models import PredikatUnit
from apps.tpn import services
from apps.tpn.models import TPNResult
from tests.tpn.conftest import TPNWorld

pytestmark = pytest.mark.django_db

DECREE = {"decree_number": "KEP-7/M.PANRB/12/2026", "decree_date": datetime.date(2026, 12, 9)}
OVERRIDE = "Rapat pleno TPN: hasil survei ulang diterima."


def _to_desk(tpn: TPNWorld) -> None:
    record = services.tpn_result_record
    record(actor=tpn.actor(tpn.tina), pengusulan=tpn.prb.wbk, stage="administrasi", outcome="lulus")
    services.tpn_answers_save(
        actor=tpn.actor(tpn.tina), pengusulan=tpn.prb.wbk, answers=[{"soal_id": 1, "answer": "Ya", "note": ""}]
    )
    record(actor=tpn.actor(tpn.tina), pengusulan=tpn.prb.wbk, stage="desk")


def test_a_designation_below_the_thresholds_needs_an_override_visible_to_the_instansi(tpn: TPNWorld) -> None:
    _to_desk(tpn)
    kemal = tpn.actor(tpn.kemal)
    with pytest.raises(ValidationError) as refused:
        services.tpn_result_record(
            actor=kemal, pengusulan=tpn.prb.wbk, stage="penetapan", outcome="ditetapkan_wbk", **DECREE
        )
    assert "Total nilai evaluasi" in refused.value.message_dict["override_reason"][0]
    assert not PredikatUnit.unscoped.exists()
    assert TPNResult.unscoped.filter(stage="penetapan").count() == 0

    result = services.tpn_result_record(
        actor=kemal,
        pengusulan=tpn.prb.wbk,
        stage="penetapan",
        outcome="ditetapkan_wbk",
        override_reason=OVERRIDE,
        **DECREE,
    )
    assert result.override_reason == OVERRIDE
    assert PredikatUnit.unscoped.filter(unit=tpn.world.unit_a1, predikat="WBK").exists()
    audit = AuditEvent.unscoped.get(verb="tpn.result_penetapan")
    assert (audit.before["stage"], audit.after["stage_after"]) == ("desk", "ditetapkan")
    assert audit.after["override_reason"] == OVERRIDE

    client = Client()
    client.force_login(tpn.world.citra)  # the instansi's admin ZI
    page = client.get(reverse("pengusulan:pengusulan-detail", args=[tpn.prb.wbk.public_id])).content.decode()
    assert "data-override-reason" in page
    assert OVERRIDE in page


def test_not_designating_needs_no_override(tpn: TPNWorld) -> None:
    _to_desk(tpn)
    result = services.tpn_result_record(
        actor=tpn.actor(tpn.kemal), pengusulan=tpn.prb.wbk, stage="penetapan", outcome="tidak_ditetapkan"
    )
    assert result.override_reason == ""
    assert not PredikatUnit.unscoped.exists()
