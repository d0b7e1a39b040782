"""Workflows as data (issue 17): for every workflow, every (state, action, role) is tried through the
real service and must give exactly the table's answer — allowed (the step happens and is audited
with the state before and after), forbidden (the role lacks the capability: PermissionDeniedError)
or not now (no such transition from the state: TransitionNotAllowed). The guards are satisfied in
each setup, so "allowed" means the move happens. The README's diagrams are generated from the same
tables and must be current."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction

from apps.audit.models import AuditEvent
from apps.core import workflow as wf
from apps.core.errors import DomainError, PermissionDeniedError, TransitionNotAllowed
from apps.pengusulan import services as pg
from apps.pengusulan.models import Pengusulan
from apps.pengusulan.workflows import PENGUSULAN
from apps.penilaian.models import ItemReturn, Penilaian, Tier, TPIAssignment
from apps.penilaian.services.review import (
    penilaian_recommend,
    penilaian_return_unanswered,
    penilaian_send_back,
    penilaian_submit,
    penilaian_tier_complete,
)
from apps.penilaian.services.setup import tpi_tiers_set
from apps.penilaian.workflows import PENILAIAN
from apps.tenancy.models import Membership
from apps.tenancy.roles import NATIONAL_ROLES, UNIT_ROLES, Role, capabilities_for
from apps.tenancy.scope import scope
from tests.factories import MembershipFactory, UserFactory
from tests.pengusulan.helpers import actor, pimpinan, ready, top
from tests.penilaian.conftest import LKEWorld
from tests.penilaian.test_review_support import fill

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


class _Rollback(Exception):
    pass


def _outcome(call: Callable[[], Any]) -> str:
    """Run one attempt and undo it, whatever it wrote."""
    result = wf.NOT_NOW
    try:
        with transaction.atomic():
            try:
                call()
            except PermissionDeniedError:
                result = wf.FORBIDDEN
            except TransitionNotAllowed:
                result = wf.NOT_NOW
            except (ValidationError, DomainError) as exc:  # a guard the setup did not satisfy
                result = f"guard: {exc}"
            else:
                result = wf.ALLOWED
            raise _Rollback
    except _Rollback:
        pass
    return result


def _members(lke: LKEWorld) -> dict[str, Membership]:
    """One member per role: instansi roles in A (unit roles narrowed to A1), national roles without."""
    members = {}
    for role in Role.values:
        user = UserFactory(email=f"{role}@wf.test", name=f"Peran {role}")
        members[role] = MembershipFactory(
            user=user,
            instansi=None if role in NATIONAL_ROLES else lke.world.instansi_a,
            unit=lke.world.unit_a1 if role in UNIT_ROLES else None,
            role=role,
        )
    return members


def _compare(table: wf.Workflow, tried: dict[tuple[str, str, str], str]) -> None:
    expected = {
        (state, action, role): table.decide(state, action, capabilities_for(role))
        for state in table.states
        for action in table.actions
        for role in Role.values
    }
    assert set(tried) == set(expected)
    wrong = {key: (tried[key], expected[key]) for key in expected if tried[key] != expected[key]}
    assert wrong == {}
    # Every answer occurs: the table is not vacuous.
    assert set(expected.values()) == {wf.ALLOWED, wf.FORBIDDEN, wf.NOT_NOW}


# -----------------------------------------------------------------------------
# pengusulan
# -----------------------------------------------------------------------------


def test_pengusulan_every_state_action_and_role_gives_the_tables_answer(lke: LKEWorld) -> None:
    pengusulan = ready(lke)
    members = _members(lke)
    calls = {
        "submit": lambda a, p: pg.pengusulan_submit(actor=a, pengusulan=p),
        "correct": lambda a, p: pg.pengusulan_correct(actor=a, pengusulan=p, reason="Perbaikan data"),
        "withdraw": lambda a, p: pg.pengusulan_withdraw(actor=a, pengusulan=p),
    }
    tried = {}
    with scope(lke.world.instansi_a.pk):
        for state in PENGUSULAN.states:
            Pengusulan.objects.filter(pk=pengusulan.pk).update(status=state)
            for action, call in calls.items():
                for role, member in members.items():
                    fresh = Pengusulan.objects.get(pk=pengusulan.pk)
                    tried[(state, action, role)] = _outcome(lambda c=call, m=member, p=fresh: c(m, p))
    _compare(PENGUSULAN, tried)


def test_a_pengusulan_transition_is_audited_with_before_and_after(lke: LKEWorld) -> None:
    pengusulan = ready(lke)
    with scope(lke.world.instansi_a.pk):
        pg.pengusulan_submit(actor=actor(pimpinan(lke)), pengusulan=pengusulan)
        pg.pengusulan_withdraw(actor=actor(pimpinan(lke)), pengusulan=pengusulan)
        submit = AuditEvent.objects.get(verb="pengusulan.submit")
        withdraw = AuditEvent.objects.get(verb="pengusulan.withdraw")
    assert (submit.before["status"], submit.after["status"]) == ("draft", "proposed")
    assert submit.after["thresholds_met"] is True
    assert (withdraw.before["status"], withdraw.after["status"]) == ("proposed", "withdrawn")


# -----------------------------------------------------------------------------
# penilaian
# -----------------------------------------------------------------------------


def _penilaian_setup(lke: LKEWorld, members: dict[str, Membership], state: str, action: str) -> None:
    """Put the penilaian in ``state`` with every guard of ``action`` satisfied (two TPI tiers; the
    TPI member assigned to both)."""
    penilaian = lke.penilaian
    tpi = members[Role.TPI]
    level = 2 if action == "close" else 1
    Penilaian.objects.filter(pk=penilaian.pk).update(status=state, current_level=level if state != "draft" else 0)
    if action in {"hand_over", "close"}:
        fill(lke, tier=Tier.TPI, level=level)
    if action in {"send_back", "return_unanswered"}:
        # send_back: one item returned and open; return_unanswered: the unit left items blank.
        fill(lke, only=set(range(1, 60)))
        if action == "send_back":
            ItemReturn.objects.create(
                instansi=lke.world.instansi_a,
                penilaian=penilaian,
                soal=lke.soal(1),
                level=level,
                note="x",
                returned_by=tpi.user,
            )
    if action in {"recommend", "not_recommend"}:
        fill(lke, tier=Tier.TPI, level=2, answer=_top)
    for tier_level in (1, 2):
        TPIAssignment.objects.get_or_create(
            instansi=lke.world.instansi_a, cycle=lke.cycle, unit=lke.world.unit_a1, reviewer=tpi.user, level=tier_level
        )


def _top(soal) -> str:
    return top(soal)


def test_penilaian_every_state_action_and_role_gives_the_tables_answer(lke: LKEWorld) -> None:
    members = _members(lke)
    with scope(lke.world.instansi_a.pk):
        tpi_tiers_set(actor=lke.actor(lke.world.citra), names=["Anggota", "Ketua"])
    calls = {
        "submit": lambda a, p: penilaian_submit(actor=a, penilaian=p, incomplete_reason="Uji"),
        "send_back": lambda a, p: penilaian_send_back(actor=a, penilaian=p),
        "return_unanswered": lambda a, p: penilaian_return_unanswered(actor=a, penilaian=p),
        "hand_over": lambda a, p: penilaian_tier_complete(actor=a, penilaian=p),
        "close": lambda a, p: penilaian_tier_complete(actor=a, penilaian=p),
        "recommend": lambda a, p: penilaian_recommend(actor=a, penilaian=p, decision="layak_wbk", reasons="ok"),
        "not_recommend": lambda a, p: penilaian_recommend(
            actor=a, penilaian=p, decision="belum_layak", reasons="belum"
        ),
    }
    tried = {}
    with scope(lke.world.instansi_a.pk):
        for state in PENILAIAN.states:
            for action, call in calls.items():
                for role, member in members.items():

                    def attempt(c=call, m=member, s=state, act=action) -> None:
                        _penilaian_setup(lke, members, s, act)
                        c(m, Penilaian.objects.get(pk=lke.penilaian.pk))

                    tried[(state, action, role)] = _outcome(attempt)
    _compare(PENILAIAN, tried)


# -----------------------------------------------------------------------------
# The diagrams
# -----------------------------------------------------------------------------


def test_every_table_names_known_states_and_one_capability_per_action() -> None:
    tables = wf.workflows()
    assert {t.name for t in tables} >= {"pengusulan", "penilaian", "tpn", "konsultasi", "konsultasi_tpn"}
    for table in tables:
        for transition in table.transitions:
            assert set(transition.sources) <= set(table.states), (table.name, transition)
            assert transition.target in table.states, (table.name, transition)
        for action in table.actions:
            assert len({t.capability for t in table.transitions if t.action == action}) == 1, (table.name, action)
            # One "who may" per action: a capability, or a side (``Who``) that names its capabilities.
            assert len({t.who for t in table.transitions if t.action == action}) == 1, (table.name, action)
            who = table.who_of(action)
            assert (who is None) != (table.capability_of(action) == ""), (table.name, action)
            assert who is None or who.capabilities, (table.name, action)


def test_the_readme_shows_the_diagrams_generated_from_the_tables() -> None:
    text = README.read_text(encoding="utf-8")
    assert wf.readme_block() in text, "README is stale: run `python manage.py workflow_diagrams --write`"
    assert "stateDiagram-v2" in text


def test_the_command_writes_the_block_idempotently(tmp_path: Path) -> None:
    copy = tmp_path / "README.md"
    copy.write_text("# x\n\n## Design\n\nold\n", encoding="utf-8")
    call_command("workflow_diagrams", "--write", "--readme", str(copy))
    once = copy.read_text(encoding="utf-8")
    call_command("workflow_diagrams", "--write", "--readme", str(copy))
    assert copy.read_text(encoding="utf-8") == once
    assert wf.readme_block() in once
