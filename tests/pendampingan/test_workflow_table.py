"""The consultation tables (issue 17): every (state, action, role) of a unit's thread with its TPI
and of a TPI's question to TPN is tried through the real services and must give exactly the table's
answer; each move is audited with the status before and after; the "who may" is the thread's side."""

from __future__ import annotations

import pytest

from apps.audit.models import AuditEvent
from apps.core import workflow as wf
from apps.core.errors import PermissionDeniedError, TransitionNotAllowed
from apps.pendampingan.models import Konsultasi, PesanKonsultasi
from apps.pendampingan.services import konsultasi as k_services
from apps.pendampingan.workflows import KONSULTASI, KONSULTASI_TPN
from apps.penilaian.models import TPIAssignment
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from tests.core.test_workflows import _compare, _members, _outcome
from tests.penilaian.conftest import LKEWorld

pytestmark = pytest.mark.django_db


def _threads(lke: LKEWorld, members) -> tuple[Konsultasi, Konsultasi]:
    """A1's thread with its TPI (the TPI member assigned to A1 this year) and the TPI's question to TPN."""
    world = lke.world
    TPIAssignment.objects.get_or_create(
        instansi=world.instansi_a, cycle=lke.cycle, unit=world.unit_a1, reviewer=members[Role.TPI].user, level=1
    )
    unit_thread = Konsultasi.objects.create(
        instansi=world.instansi_a, unit=world.unit_a1, cycle=lke.cycle, subject="Bukti SK", created_by=world.ani
    )
    tpn_thread = Konsultasi.objects.create(
        instansi=world.instansi_a,
        cycle=lke.cycle,
        subject="Afirmasi",
        for_tpn=True,
        created_by=members[Role.TPI].user,
    )
    return unit_thread, tpn_thread


CALLS = {
    "ask": lambda m, k: k_services.konsultasi_reply(actor=m, konsultasi=k, body="Pertanyaan lanjutan", action="ask"),
    "answer": lambda m, k: k_services.konsultasi_reply(actor=m, konsultasi=k, body="Jawaban", action="answer"),
    "close": lambda m, k: k_services.konsultasi_close(actor=m, konsultasi=k),
}


@pytest.mark.parametrize("table", [KONSULTASI, KONSULTASI_TPN], ids=lambda t: t.name)
def test_konsultasi_every_state_action_and_role_gives_the_tables_answer(lke: LKEWorld, table: wf.Workflow) -> None:
    members = _members(lke)
    tried = {}
    with scope(lke.world.instansi_a.pk):
        unit_thread, tpn_thread = _threads(lke, members)
        thread = tpn_thread if table is KONSULTASI_TPN else unit_thread
        assert set(CALLS) == set(table.actions)
        for state in table.states:
            for action, call in CALLS.items():
                for role, member in members.items():

                    def attempt(c=call, m=member, s=state) -> None:
                        Konsultasi.objects.filter(pk=thread.pk).update(status=s)
                        c(m, Konsultasi.objects.get(pk=thread.pk))

                    tried[(state, action, role)] = _outcome(attempt)
    _compare(table, tried)


def test_each_konsultasi_move_is_audited_with_the_status_before_and_after(lke: LKEWorld) -> None:
    members = _members(lke)
    unit_side, tpi = members[Role.TIM_KERJA], members[Role.TPI]
    with scope(lke.world.instansi_a.pk):
        thread, _ = _threads(lke, members)
        k_services.konsultasi_reply(actor=tpi, konsultasi=thread, body="Cukup dengan SK.")
        k_services.konsultasi_reply(actor=unit_side, konsultasi=thread, body="SK belum ditandatangani.")
        k_services.konsultasi_close(actor=tpi, konsultasi=thread)
        rows = [
            (e.verb, e.before["status"], e.after["status"], e.after["side"])
            for e in AuditEvent.objects.filter(object_id=str(thread.public_id)).order_by("seq")
        ]
    assert rows == [
        ("konsultasi.reply", "open", "answered", "tpi"),
        ("konsultasi.reply", "answered", "open", "unit"),
        ("konsultasi.close", "open", "closed", "tpi"),
    ]
    assert Konsultasi.unscoped.get(pk=thread.pk).status == "closed"


def test_a_side_cannot_take_the_other_sides_move_and_a_closed_thread_stays_closed(lke: LKEWorld) -> None:
    members = _members(lke)
    unit_side, tpi = members[Role.TIM_KERJA], members[Role.TPI]
    with scope(lke.world.instansi_a.pk):
        thread, _ = _threads(lke, members)
        with pytest.raises(PermissionDeniedError) as refused:
            k_services.konsultasi_reply(actor=unit_side, konsultasi=thread, body="Saya jawab sendiri", action="answer")
        assert str(refused.value) == "Anda bukan pihak dalam utas ini."
        # A TPI of the instansi not assigned to A1 has no side in its thread.
        TPIAssignment.objects.filter(reviewer=tpi.user).delete()
        with pytest.raises(PermissionDeniedError):
            k_services.konsultasi_close(actor=tpi, konsultasi=thread)
        k_services.konsultasi_close(actor=unit_side, konsultasi=thread)
        with pytest.raises(TransitionNotAllowed) as closed:
            k_services.konsultasi_close(actor=unit_side, konsultasi=thread)
        assert str(closed.value) == "Utas ini sudah ditutup."
        assert PesanKonsultasi.objects.filter(konsultasi=thread).count() == 0
        assert AuditEvent.objects.filter(verb="konsultasi.close", object_id=str(thread.public_id)).count() == 1
