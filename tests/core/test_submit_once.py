"""A form is acted on once however often it is sent (apps/core/submissions.py, issue 21)."""

from __future__ import annotations

import threading

from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.core.submissions import RUNNING, _key
from apps.reports.models import Report
from apps.tenancy.scope import scope
from apps.unit_kerja.models import UnitKerja
from tests.conftest import World

SUBMIT = "0123456789abcdef0123456789abcdef"


def unit_form(code: str, **extra: str) -> dict[str, str]:
    return {"code": code, "name": "Biro Hukum", "kind": "eselon_ii", "address": "", **extra}


def audit_count(world: World, verb: str) -> int:
    with scope(world.instansi_a.pk):
        return AuditEvent.objects.filter(verb=verb).count()


def test_the_same_submission_twice_acts_once_and_lands_where_the_first_did(world: World, login) -> None:
    client = login(world.citra)
    url = reverse("unit_kerja:unit-create")
    first = client.post(url, unit_form("A3", _zi_submit=SUBMIT))
    second = client.post(url, unit_form("A3", _zi_submit=SUBMIT))
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert UnitKerja.unscoped.filter(instansi=world.instansi_a, code="A3").count() == 1
    assert audit_count(world, "unit_kerja.create") == 1
    # Without the id (no JavaScript), or with another id, each send is its own: the second A3 is
    # refused by the form, beside the field, as before.
    again = client.post(url, unit_form("A3"))
    assert again.status_code == 200
    assert 'id="id_code_error"' in again.content.decode()


def test_a_send_refused_with_errors_frees_its_id_for_the_corrected_form(world: World, login) -> None:
    client = login(world.citra)
    url = reverse("unit_kerja:unit-create")
    refused = client.post(url, unit_form("A1", _zi_submit=SUBMIT))  # A1 is taken
    assert refused.status_code == 200
    corrected = client.post(url, unit_form("A4", _zi_submit=SUBMIT))
    assert corrected.status_code == 302
    assert UnitKerja.unscoped.filter(instansi=world.instansi_a, code="A4").exists()


def test_ids_belong_to_one_person(world: World, login) -> None:
    url = reverse("unit_kerja:unit-create")
    assert login(world.citra).post(url, unit_form("A5", _zi_submit=SUBMIT)).status_code == 302
    # Another person sending the same id is not a replay of citra's form: ani is refused (403).
    assert login(world.ani).post(url, unit_form("A6", _zi_submit=SUBMIT)).status_code == 403
    assert not UnitKerja.unscoped.filter(code="A6").exists()


def test_the_id_never_reaches_the_view(world: World, login) -> None:
    """The report form reads every posted field as a parameter: the id is not one of them."""
    client = login(world.ani)
    response = client.post(
        reverse("reports:report-create"),
        {"kind": "unit_profile", "unit": str(world.unit_a1.public_id), "_zi_submit": SUBMIT},
    )
    assert response.status_code == 302
    with scope(world.instansi_a.pk):
        assert Report.objects.get().params == {"unit": str(world.unit_a1.public_id)}


def test_a_double_click_racing_the_first_request_waits_for_it(world: World, login) -> None:
    """The second send arrives while the first still runs: it runs nothing, waits, and follows the
    first one's redirect."""
    client = login(world.citra)
    key = _key(type("R", (), {"user": world.citra})(), SUBMIT)
    cache.set(key, RUNNING, timeout=60)  # the first click's request, still at work
    timer = threading.Timer(0.4, lambda: cache.set(key, "/unit-kerja/hasil-klik-pertama/", timeout=60))
    timer.start()
    second = client.post(reverse("unit_kerja:unit-create"), unit_form("A7", _zi_submit=SUBMIT))
    timer.join()
    assert second.status_code == 302
    assert second["Location"] == "/unit-kerja/hasil-klik-pertama/"
    assert not UnitKerja.unscoped.filter(code="A7").exists()
    connection.close()
