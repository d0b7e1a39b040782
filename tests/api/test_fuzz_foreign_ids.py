"""Fuzzing both APIs with ids the caller must not reach (ASVS V4.1, V8.3; issue 8 item 10).

* **Schemathesis with foreign ids injected**: every operation of /api/portalrb/ (instansi A's token)
  and /api/v1/ (a TPN token), cases generated from our OpenAPI document, with path and query
  parameters replaced at random by ids of objects outside the caller's reach — instansi B's
  proposal and units for PortalRB, a draft proposal and a never-proposed unit for the national API
  (drafts never leave their instansi), and a unit's own consultation thread with its TPI (only
  questions flagged for TPN reach the national API). No 5xx, every response documented, an injected path id is a
  404, and no response carries a foreign row (names, notes, ids).
* **Stateful walks** (hypothesis state machines): list → detail chains that follow the ids the API
  itself returns, interleaved with foreign ids; the same invariants after every step, and a write
  with a foreign id changes nothing.

Bounded: a few examples per operation and short walks (about a minute in all).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, multiple, rule, run_state_machine_as_test
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from apps.pendampingan.models import PesanKonsultasi
from apps.pendampingan.services import konsultasi as k_services
from apps.pengusulan.models import PengusulanStatus
from apps.penilaian.models import Jawaban, Penilaian, Tier
from apps.tenancy.models import Membership
from apps.tenancy.scope import scope
from apps.tpn.models import TPNResult
from tests.api_support import (  # noqa: F401  (fixtures)
    SETTINGS,
    api_operations,
    keep_the_test_connection,
    unthrottled_national_api,
)
from tests.factories import UnitKerjaFactory
from tests.portalrb.conftest import lke, prb, propose  # noqa: F401  (fixtures re-exported)
from tests.tpn.conftest import TPNWorld, tpn  # noqa: F401  (fixture re-exported)
from tests.tpn.test_pertanyaan_api import ask

pytestmark = pytest.mark.usefixtures("keep_the_test_connection", "unthrottled_national_api")

FUZZ = settings(SETTINGS, max_examples=15)
WALK = settings(SETTINGS, max_examples=8, stateful_step_count=12)

HIDDEN_UNIT_NAME = "Unit Draf Rahasia B2"
HIDDEN_NOTE = "catatan draf rahasia B2"
HIDDEN_THREAD = "utas unit rahasia dengan TPI"


@dataclass
class Foreign:
    """What one caller must never reach: ids to inject, and text that must never come back."""

    ids: list[str]
    markers: list[str]

    def assert_absent(self, body: str, *, sent: frozenset[str] = frozenset()) -> None:
        """No marker in ``body``, except an id the request itself carried (a validation message may
        quote the caller's own input; that is not a row)."""
        for marker in self.markers:
            if marker not in sent:
                assert marker not in body, f"a foreign row leaked: {marker!r}"


@dataclass
class FuzzWorld:
    tpn: TPNWorld
    portalrb_foreign: Foreign  # for instansi A's PortalRB token
    national_foreign: Foreign  # for the national API (TPN token)


@pytest.fixture
def fuzz(tpn: TPNWorld) -> FuzzWorld:  # noqa: F811  (the tpn fixture)
    world = tpn.world
    unit_b2 = UnitKerjaFactory(instansi=world.instansi_b, code="B2", name=HIDDEN_UNIT_NAME)
    with scope(world.instansi_b.pk):
        penilaian = Penilaian.objects.create(
            instansi=world.instansi_b, unit=unit_b2, cycle=tpn.prb.b1.cycle, template=tpn.prb.lke.template
        )
        Jawaban.objects.create(
            instansi=world.instansi_b,
            penilaian=penilaian,
            soal=tpn.prb.lke.soal(1),
            tier=Tier.UNIT,
            level=0,
            answer="Ya",
            note=HIDDEN_NOTE,
        )
    draft = propose(penilaian, predikat="WBK", by=world.dodi, status=PengusulanStatus.DRAFT)
    ask(tpn, world.budi, "Pertanyaan TPI untuk TPN")  # a real question, reachable
    with scope(world.instansi_b.pk):
        unit_thread = k_services.konsultasi_start(
            actor=Membership.objects.select_related("instansi", "user", "unit").get(user=world.dodi),
            unit=world.unit_b1,
            cycle=tpn.prb.b1.cycle,
            subject=HIDDEN_THREAD,
            body=HIDDEN_THREAD,
        )
    b1 = tpn.prb.b1
    b_ids = [str(world.unit_b1.public_id), str(b1.public_id), str(unit_b2.public_id), str(draft.public_id)]
    portalrb = Foreign(
        ids=b_ids,
        markers=[world.unit_b1.name, "rahasia B", HIDDEN_UNIT_NAME, HIDDEN_NOTE, world.instansi_b.name, *b_ids],
    )
    national = Foreign(
        ids=[str(draft.public_id), str(unit_b2.public_id), str(unit_thread.public_id)],
        markers=[
            HIDDEN_UNIT_NAME,
            HIDDEN_NOTE,
            HIDDEN_THREAD,
            str(draft.public_id),
            str(unit_b2.public_id),
            str(unit_thread.public_id),
        ],
    )
    return FuzzWorld(tpn, portalrb, national)


def _inject(case: Any, data: st.DataObject, foreign: Foreign) -> tuple[set[str], set[str]]:
    """Replace some path and query parameters of ``case`` with foreign ids; returns the ids put in
    the path, and all ids put anywhere."""
    injected_path: set[str] = set()
    injected: set[str] = set()
    for attribute in ("path_parameters", "query"):
        params = dict(getattr(case, attribute) or {})
        for name in list(params):
            if data.draw(st.booleans(), label=f"inject {attribute}.{name}"):
                params[name] = data.draw(st.sampled_from(foreign.ids), label=f"{attribute}.{name}")
                injected.add(params[name])
                if attribute == "path_parameters":
                    injected_path.add(params[name])
        if params:
            setattr(case, attribute, params)
    return injected_path, injected


def _run_with_foreign_ids(path_regex: str, expected: int, token: str, foreign: Foreign) -> None:
    for operation in api_operations(path_regex, expected=expected):

        @FUZZ
        @given(case=operation.as_strategy(), data=st.data())
        def check(case: Any, data: st.DataObject) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
            injected, sent = _inject(case, data, foreign)
            writes = case.method.upper() != "GET"
            results_before = (TPNResult.unscoped.count(), PesanKonsultasi.unscoped.count()) if writes else (0, 0)
            excluded = [positive_data_acceptance] if (writes or injected) else []
            if sent - injected:
                # An id injected into a query parameter of another type (``limit``) makes the case
                # negative, and the paginator ignores a bad ``limit`` (default page): not a rejection.
                excluded.append(negative_data_rejection)
            response = case.call_and_validate(excluded_checks=excluded)
            assert response.status_code < 500
            if injected:
                assert response.status_code == 404, (case.path, case.path_parameters, response.status_code)
                if writes:
                    assert (TPNResult.unscoped.count(), PesanKonsultasi.unscoped.count()) == results_before
            foreign.assert_absent(response.text, sent=frozenset(sent))

        check()


def test_portalrb_api_with_another_instansis_ids(fuzz: FuzzWorld) -> None:
    _run_with_foreign_ids("^/api/portalrb/", 3, fuzz.tpn.prb.token_a, fuzz.portalrb_foreign)


def test_national_api_with_draft_and_unproposed_ids(fuzz: FuzzWorld) -> None:
    _run_with_foreign_ids("^/api/v1/", 13, fuzz.tpn.token_tpn, fuzz.national_foreign)


# -- stateful walks ---------------------------------------------------------------------------------


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_portalrb_walk_follows_its_own_ids_and_never_reaches_b(fuzz: FuzzWorld) -> None:
    token, foreign = fuzz.tpn.prb.token_a, fuzz.portalrb_foreign
    own_units = {str(fuzz.tpn.world.unit_a1.public_id), str(fuzz.tpn.world.unit_a2.public_id)}

    class PortalRBWalk(RuleBasedStateMachine):
        units = Bundle("units")

        def __init__(self) -> None:
            super().__init__()
            self.client = Client()

        def get(self, path: str) -> Any:
            response = self.client.get(path, **_bearer(token))
            assert response.status_code < 500
            foreign.assert_absent(response.content.decode())
            return response

        @rule(target=units, kategori=st.sampled_from(["unit-wbk", "unit-wbbm"]))
        def list_units(self, kategori: str) -> Any:
            response = self.get(f"/api/portalrb/pengusulan/{kategori}")
            assert response.status_code == 200
            ids = [row["id"] for row in response.json()["units"]]
            assert set(ids) <= own_units
            return multiple(*ids)

        @rule(unit=units)
        def answers_of_a_listed_unit(self, unit: str) -> None:
            response = self.get(f"/api/portalrb/lke/jawaban-unit/{unit}")
            assert response.status_code == 200
            assert response.json()["unit_id"] == unit

        @rule(unit=st.sampled_from(foreign.ids))
        def answers_of_a_foreign_id(self, unit: str) -> None:
            assert self.get(f"/api/portalrb/lke/jawaban-unit/{unit}").status_code == 404

    run_state_machine_as_test(PortalRBWalk, settings=WALK)


def test_national_walk_follows_its_own_ids_and_never_reaches_drafts(fuzz: FuzzWorld) -> None:
    token, foreign = fuzz.tpn.token_tpn, fuzz.national_foreign

    class NationalWalk(RuleBasedStateMachine):
        proposals = Bundle("proposals")
        units = Bundle("units")
        questions = Bundle("questions")

        def __init__(self) -> None:
            super().__init__()
            self.client = Client()

        def call(self, method: str, path: str, data: Any = None) -> Any:
            kwargs: dict[str, Any] = {"content_type": "application/json"} if data is not None else {}
            response = getattr(self.client, method)(path, data, **kwargs, **_bearer(token))
            assert response.status_code < 500
            foreign.assert_absent(response.content.decode())
            return response

        @rule(target=proposals)
        def list_proposals(self) -> Any:
            response = self.call("get", "/api/v1/pengusulan/")
            assert response.status_code == 200
            return multiple(*(row["id"] for row in response.json()["results"]))

        @rule(target=units, proposal=proposals)
        def proposal_detail(self, proposal: str) -> Any:
            response = self.call("get", f"/api/v1/pengusulan/{proposal}/")
            assert response.status_code == 200
            return response.json()["unit"]["id"]

        @rule(proposal=proposals)
        def proposal_answers(self, proposal: str) -> None:
            assert self.call("get", f"/api/v1/pengusulan/{proposal}/jawaban/").status_code == 200

        @rule(unit=units)
        def unit_detail(self, unit: str) -> None:
            assert self.call("get", f"/api/v1/unit/{unit}/").status_code == 200

        @rule(target=questions, status=st.sampled_from([None, "open", "answered"]))
        def list_questions(self, status: str | None) -> Any:
            response = self.call("get", "/api/v1/pertanyaan-tpn/" + (f"?status={status}" if status else ""))
            assert response.status_code == 200
            return multiple(*(row["id"] for row in response.json()["results"]))

        @rule(question=questions)
        def question_detail(self, question: str) -> None:
            response = self.call("get", f"/api/v1/pertanyaan-tpn/{question}/")
            assert response.status_code == 200
            assert response.json()["id"] == question

        @rule(
            hidden=st.sampled_from(foreign.ids),
            path=st.sampled_from(["pengusulan/{}/", "pengusulan/{}/jawaban/", "unit/{}/", "pertanyaan-tpn/{}/"]),
        )
        def read_a_hidden_id(self, hidden: str, path: str) -> None:
            assert self.call("get", "/api/v1/" + path.format(hidden)).status_code == 404

        @rule(hidden=st.sampled_from(foreign.ids), outcome=st.sampled_from(["lulus", "tidak_lulus", "x"]))
        def write_a_result_for_a_hidden_id(self, hidden: str, outcome: str) -> None:
            before = TPNResult.unscoped.count()
            response = self.call("post", f"/api/v1/pengusulan/{hidden}/hasil/", {"stage": "admin", "outcome": outcome})
            assert response.status_code in (400, 403, 404)
            assert TPNResult.unscoped.count() == before

        @rule(hidden=st.sampled_from(foreign.ids))
        def answer_a_hidden_thread(self, hidden: str) -> None:
            before = PesanKonsultasi.unscoped.count()
            response = self.call("post", f"/api/v1/pertanyaan-tpn/{hidden}/balasan/", {"body": "jawaban"})
            assert response.status_code == 404
            assert PesanKonsultasi.unscoped.count() == before

    run_state_machine_as_test(NationalWalk, settings=WALK)
