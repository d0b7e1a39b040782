"""Pengusulan pages: happy paths, the outsider (404), a viewer (403), wrong method (405), bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.pengusulan.models import Pengusulan, PengusulanStatus, SuratPengusulan, UnitEligibility
from apps.pengusulan.views import SUBMITTED
from apps.tenancy.scope import scope
from tests.conftest import PASSWORD
from tests.pengusulan.helpers import eligible_facts, letter, pimpinan, ready, recommend
from tests.penilaian.conftest import LKEWorld

pytestmark = pytest.mark.usefixtures("english_ui")


def test_the_pimpinan_picks_and_submits_through_the_pages(lke: LKEWorld, login) -> None:
    recommend(lke)
    eligible_facts(lke)
    letter(lke)
    client = login(pimpinan(lke))
    page = client.get(reverse("pengusulan:pengusulan-list"))
    assert page.status_code == 200
    assert lke.world.unit_a1.name in page.content.decode()
    response = client.post(reverse("pengusulan:pengusulan-create", args=[lke.penilaian.public_id]), {"predikat": "WBK"})
    assert response.status_code == 302
    with scope(lke.world.instansi_a.pk):
        pengusulan = Pengusulan.objects.get()
    response = client.post(reverse("pengusulan:pengusulan-submit", args=[pengusulan.public_id]), follow=True)
    assert str(SUBMITTED) in response.content.decode()
    pengusulan.refresh_from_db()
    assert pengusulan.status == PengusulanStatus.PROPOSED
    detail = client.get(reverse("pengusulan:pengusulan-detail", args=[pengusulan.public_id])).content.decode()
    with scope(lke.world.instansi_a.pk):
        assert pengusulan.snapshots.get().sha256 in detail


def test_a_refused_submit_shows_the_reason_and_saves_nothing(lke: LKEWorld, login) -> None:
    pengusulan = ready(lke)
    UnitEligibility.unscoped.update(lhkpn_pct=50)
    client = login(pimpinan(lke))
    response = client.post(reverse("pengusulan:pengusulan-submit", args=[pengusulan.public_id]), follow=True)
    assert "LHKPN" in response.content.decode()
    pengusulan.refresh_from_db()
    assert pengusulan.status == PengusulanStatus.DRAFT


def test_the_admin_records_unit_facts_and_bad_input_saves_nothing(lke: LKEWorld, login) -> None:
    client = login(lke.world.citra)
    url = reverse("pengusulan:eligibility-unit", args=[lke.world.unit_a1.public_id])
    data = {
        "is_core_service": "on",
        "has_public_impact": "on",
        "tlhp_pct": "150",
        "lhkpn_pct": "100",
        "lhkasn_pct": "100",
        "zi_started_on": "2024-01-01",
        "sakip_internal": "A",
        "version": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert UnitEligibility.unscoped.count() == 0
    response = client.post(url, data | {"tlhp_pct": "100"})
    assert response.status_code == 302
    assert UnitEligibility.unscoped.get().tlhp_pct == 100
    page = client.get(reverse("pengusulan:eligibility")).content.decode()
    assert lke.world.unit_a1.name in page


def test_wrong_password_on_the_sptjm_is_refused(lke: LKEWorld, login) -> None:
    surat = letter(lke, sign=False)
    client = login(pimpinan(lke))
    url = reverse("pengusulan:surat-sign", args=[surat.public_id])
    response = client.post(url, {"confirm": "on", "password": "salah"})
    assert response.status_code == 400
    surat.refresh_from_db()
    assert surat.sptjm_signed_at is None
    assert client.post(url, {"confirm": "on", "password": PASSWORD}).status_code == 302
    surat.refresh_from_db()
    assert surat.sptjm_signed_at is not None


def test_the_outsider_gets_404(lke: LKEWorld, login) -> None:
    pengusulan = ready(lke)
    client = login(lke.world.dodi)
    assert client.get(reverse("pengusulan:pengusulan-detail", args=[pengusulan.public_id])).status_code == 404
    assert client.post(reverse("pengusulan:pengusulan-submit", args=[pengusulan.public_id])).status_code == 404


def test_a_viewer_gets_403(lke: LKEWorld, login) -> None:
    pengusulan = ready(lke)
    client = login(lke.world.evi)
    assert client.get(reverse("pengusulan:pengusulan-list")).status_code == 403
    assert client.get(reverse("pengusulan:pengusulan-detail", args=[pengusulan.public_id])).status_code == 403
    # The admin ZI sees it but may not submit (the pimpinan does).
    admin = login(lke.world.citra)
    assert admin.post(reverse("pengusulan:pengusulan-submit", args=[pengusulan.public_id])).status_code == 403
    pengusulan.refresh_from_db()
    assert pengusulan.status == PengusulanStatus.DRAFT


def test_wrong_method_is_405(lke: LKEWorld, login) -> None:
    pengusulan = ready(lke)
    client = login(pimpinan(lke))
    assert client.delete(reverse("pengusulan:pengusulan-submit", args=[pengusulan.public_id])).status_code == 405
    assert client.get(reverse("pengusulan:pengusulan-withdraw", args=[pengusulan.public_id])).status_code == 405
    assert client.post(reverse("pengusulan:pengusulan-list")).status_code == 405
    with scope(lke.world.instansi_a.pk):
        surat = SuratPengusulan.objects.get()
    assert client.get(reverse("pengusulan:surat-pdf", args=[surat.public_id])).status_code == 405
