"""PortalRB's cached token and current snapshot (apps/portalrb/fastpath.py, issue 22): each test
first makes a successful call (both are cached from then on), changes what they stand for the way
the product does, and checks that the very next call sees it. The fetch log and the rate limit
still count every call."""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.api.tokens import token_hash
from apps.pengusulan.models import PengusulanStatus
from apps.penilaian.models import Jawaban, Tier
from apps.portalrb import fastpath
from apps.portalrb.auth import PortalRBRateThrottle
from apps.portalrb.models import PortalRBFetch, PortalRBToken
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


def test_one_round_trip_counts_each_call_once(prb: PRBWorld, settings) -> None:
    # The second call on is served from the pull (token, snapshot and counter together): the rate
    # counter still holds exactly one count per call, and the limit refuses the call beyond it.
    settings.ZI_PORTALRB_RATE = "3/min"
    client, path = Client(), jawaban(prb.world.unit_a1.public_id)
    assert [client.get(path, **bearer(prb.token_a)).status_code for _ in range(3)] == [200, 200, 200]
    token = PortalRBToken.unscoped.get(instansi=prb.world.instansi_a, revoked_at__isnull=True)
    counter, _timeout = PortalRBRateThrottle().counter_for(token)
    assert cache.get(counter) == 3
    assert client.get(path, **bearer(prb.token_a)).status_code == 429
    assert cache.get(counter) == 4


def test_a_token_stamped_by_another_process_is_read_again(prb: PRBWorld) -> None:
    # After an invalidation, another process read the token and stamped it anew: this process's copy
    # (under the old stamp) is not used; the token is read from the database and takes that stamp.
    client, path = Client(), jawaban(prb.world.unit_a1.public_id)
    assert client.get(path, **bearer(prb.token_a)).status_code == 200
    digest = token_hash(prb.token_a)
    cache.set(f"portalrb:token:{digest}", "another-process", 300)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, **bearer(prb.token_a)).status_code == 200
    assert any("portalrb_portalrbtoken" in q["sql"] and "key_hash" in q["sql"] for q in queries.captured_queries)
    assert fastpath._LOCAL_TOKENS[digest][0] == "another-process"
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, **bearer(prb.token_a)).status_code == 200
    assert not any("key_hash" in q["sql"] for q in queries.captured_queries)


def test_a_recent_last_use_skips_the_token_update(prb: PRBWorld) -> None:
    # The token object knows its last use is under a minute old: the fetch row goes in alone.
    client, path = Client(), jawaban(prb.world.unit_a1.public_id)
    assert client.get(path, **bearer(prb.token_a)).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, **bearer(prb.token_a)).status_code == 200
    statements = [q["sql"].upper() for q in queries.captured_queries]
    assert any("PORTALRB_PORTALRBFETCH" in sql for sql in statements)
    assert not any("UPDATE" in sql for sql in statements)
