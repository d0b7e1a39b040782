"""The rencana aksi approval and realisasi verification tables (issue 17): every (state, action,
role) is tried through the real services and must give exactly the table's answer."""

from __future__ import annotations

import pytest

from apps.core import workflow as wf
from apps.rencana_aksi.models import Realisasi, RencanaAksi
from apps.rencana_aksi.services.plans import (
    rencana_aksi_approve,
    rencana_aksi_return,
    rencana_aksi_revise,
    rencana_aksi_submit,
)
from apps.rencana_aksi.services.realisasi import realisasi_return, realisasi_submit, realisasi_verify
from apps.rencana_aksi.workflows import REALISASI, RENCANA_AKSI
from apps.tenancy.models import Membership
from apps.tenancy.roles import NATIONAL_ROLES, UNIT_ROLES, Role, capabilities_for
from apps.tenancy.scope import scope
from tests.core.test_workflows import _outcome
from tests.factories import MembershipFactory, UserFactory
from tests.rencana_aksi.conftest import TAHUN, RAWorld

pytestmark = pytest.mark.django_db


def _members(ra: RAWorld) -> dict[str, Membership]:
    members = {}
    for role in Role.values:
        user = UserFactory(email=f"{role}@ra.test", name=f"Peran {role}")
        members[role] = MembershipFactory(
            user=user,
            instansi=None if role in NATIONAL_ROLES else ra.world.instansi_a,
            unit=ra.world.unit_a1 if role in UNIT_ROLES else None,
            role=role,
        )
    return members


def _expected(table: wf.Workflow) -> dict[tuple[str, str, str], str]:
    return {
        (state, action, role): table.decide(state, action, capabilities_for(role))
        for state in table.states
        for action in table.actions
        for role in Role.values
    }


def test_rencana_aksi_every_state_action_and_role_gives_the_tables_answer(ra: RAWorld) -> None:
    ra.add_kegiatan()
    members = _members(ra)
    calls = {
        "submit": lambda m, r: rencana_aksi_submit(actor=m, rencana=r),
        "approve": lambda m, r: rencana_aksi_approve(actor=m, rencana=r),
        "return": lambda m, r: rencana_aksi_return(actor=m, rencana=r, note="Lengkapi target."),
        "revise": lambda m, r: rencana_aksi_revise(actor=m, rencana=r, reason="Target berubah."),
    }
    tried = {}
    with scope(ra.world.instansi_a.pk):
        for state in RENCANA_AKSI.states:
            RencanaAksi.objects.filter(pk=ra.rencana.pk).update(status=state)
            for action, call in calls.items():
                for role, member in members.items():
                    tried[(state, action, role)] = _outcome(
                        lambda c=call, m=member: c(m, RencanaAksi.objects.get(pk=ra.rencana.pk))
                    )
    expected = _expected(RENCANA_AKSI)
    assert {k: (tried[k], v) for k, v in expected.items() if tried[k] != v} == {}
    assert set(expected.values()) == {wf.ALLOWED, wf.FORBIDDEN, wf.NOT_NOW}


def test_realisasi_every_state_action_and_role_gives_the_tables_answer(ra: RAWorld) -> None:
    kegiatan = ra.add_kegiatan()
    ra.approve()
    members = _members(ra)
    # The tim kerja member is the plan's named lead (the guard "pimpinan unit or the named lead").
    RencanaAksi.unscoped.filter(pk=ra.rencana.pk).update(ketua_tim=members[Role.TIM_KERJA].user)
    with scope(ra.world.instansi_a.pk):
        realisasi = Realisasi.objects.create(
            instansi=ra.world.instansi_a,
            kegiatan=kegiatan,
            periode=f"{TAHUN}-03",
            progress=50,
            reported_by=ra.sari_user,  # someone else's report: not one's own
        )
    calls = {
        "submit": lambda m, r: realisasi_submit(actor=m, realisasi=r),
        "verify": lambda m, r: realisasi_verify(actor=m, realisasi=r),
        "return": lambda m, r: realisasi_return(actor=m, realisasi=r, note="Lampirkan bukti."),
    }
    tried = {}
    with scope(ra.world.instansi_a.pk):
        for state in REALISASI.states:
            for action, call in calls.items():
                for role, member in members.items():

                    def attempt(c=call, m=member, s=state) -> None:
                        Realisasi.objects.filter(pk=realisasi.pk).update(status=s, reported_by=ra.sari_user)
                        c(m, Realisasi.objects.get(pk=realisasi.pk))

                    tried[(state, action, role)] = _outcome(attempt)
    expected = _expected(REALISASI)
    assert {k: (tried[k], v) for k, v in expected.items() if tried[k] != v} == {}
    assert set(expected.values()) == {wf.ALLOWED, wf.FORBIDDEN, wf.NOT_NOW}
