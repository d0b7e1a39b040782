"""PortalRB's cached token and current snapshot (apps/portalrb/fastpath.py, issue 22): each test
first makes a successful call (both are cached from then on), changes what they stand for the way
the product does, and checks that the very next call sees it. The fetch log and the rate limit
still count every call."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.pengusulan.models import PengusulanStatus
from apps.penilaian.models import Jawaban, Tier
from apps.portalrb.models import PortalRBFetch
from apps.portalrb.services import portalrb_token_revoke
from apps.tenancy.scope import scope
from tests.portalrb.conftest import PRBWorld, bearer, freeze


def jawaban(unit_id: object) -> str:
    return reverse("portalrb_api:jawaban-unit", kwargs={"unit_id": str(unit_id)})


def test_a_repeated_pull_reads_only_what_it_writes(prb: PRBWorld) -> None:
    client, path = Client(), jawaban(prb.world.unit_a1.public_id)
    first = client.get(path, **bearer(prb.token_a))
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        again = client.get(path, **bearer(prb.token_a))
    assert again.content == first.content
    statements = [q["sql"] for q in queries.captured_queries]
    # Only the fetch log's write (one statement on PostgreSQL; on SQLite an insert and the token's
    # last-use update in a savepoint): no token, unit or snapshot is read.
    assert [sql for sql in statements if "SELECT" in sql.upper().split("INSERT")[0]] == []
    assert any("portalrb_portalrbfetch" in sql and sql.upper().startswith(("INSERT", "WITH")) for sql in statements)
    if connection.vendor == "postgresql":
        assert len(statements) == 1
    with scope(prb.world.instansi_a.pk):
        assert PortalRBFetch.objects.filter(endpoint="jawaban-unit", status_code=200).count() == 2


def test_a_revoked_token_is_refused_at_the_next_call(prb: PRBWorld) -> None:
    path = jawaban(prb.world.unit_a1.public_id)
    assert Client().get(path, **bearer(prb.token_a)).status_code == 200
    with scope(prb.world.instansi_a.pk):
        portalrb_token_revoke(instansi=prb.world.instansi_a, actor=prb.world.citra)
    assert Client().get(path, **bearer(prb.token_a)).status_code == 401


def test_a_deactivated_instansi_is_refused_at_the_next_call(prb: PRBWorld) -> None:
    path = jawaban(prb.world.unit_a1.public_id)
    assert Client().get(path, **bearer(prb.token_a)).status_code == 200
    prb.world.instansi_a.is_active = False
    prb.world.instansi_a.save(update_fields=["is_active"])
    assert Client().get(path, **bearer(prb.token_a)).status_code == 401


def test_a_correction_is_served_at_the_next_call(prb: PRBWorld) -> None:
    path = jawaban(prb.world.unit_a1.public_id)
    before = Client().get(path, **bearer(prb.token_a)).json()
    with scope(prb.world.instansi_a.pk):
        Jawaban.objects.filter(penilaian=prb.lke.penilaian, tier=Tier.UNIT, soal__portalrb_soal_id=88).update(
            answer="15"
        )
    freeze(prb.wbk, by=prb.world.citra, reason="koreksi")
    after = Client().get(path, **bearer(prb.token_a)).json()
    assert after != before
    assert next(a for a in after["answers"] if a["soal_id"] == 88)["jawaban_unit"] == "15"


def test_a_withdrawn_proposal_is_404_at_the_next_call(prb: PRBWorld) -> None:
    path = jawaban(prb.world.unit_a2.public_id)
    assert Client().get(path, **bearer(prb.token_a)).status_code == 200
    with scope(prb.world.instansi_a.pk):
        prb.wbbm.status = PengusulanStatus.WITHDRAWN
        prb.wbbm.save(update_fields=["status"])
    assert Client().get(path, **bearer(prb.token_a)).status_code == 404


def test_another_instansis_token_never_reads_the_cached_unit(prb: PRBWorld) -> None:
    path = jawaban(prb.world.unit_a1.public_id)
    assert Client().get(path, **bearer(prb.token_a)).status_code == 200
    assert Client().get(path, **bearer(prb.token_b)).status_code == 404
