"""The penetapan table (issue 17): every (state, action, role) through ``penetapan_designate`` gives
exactly the table's answer, and a designation is audited with the status before and after."""

from __future__ import annotations

import datetime

import pytest

from apps.audit.models import AuditEvent
from apps.core import workflow as wf
from apps.tenancy.roles import NATIONAL_ROLES, UNIT_ROLES, Role, capabilities_for
from apps.tenancy.scope import scope
from apps.unit_kerja.models import Penetapan
from apps.unit_kerja.services.cycles import penetapan_designate
from apps.unit_kerja.workflows import PENETAPAN
from tests.conftest import World
from tests.core.test_workflows import _outcome
from tests.factories import CycleFactory, MembershipFactory, PenetapanFactory, UserFactory
from tests.unit_kerja.conftest import pdf_file

pytestmark = pytest.mark.django_db


def test_penetapan_every_state_action_and_role_gives_the_tables_answer(world: World) -> None:
    cycle = CycleFactory(instansi=world.instansi_a, tahun=2026)
    penetapan = PenetapanFactory(unit=world.unit_a1, cycle=cycle)
    members = {}
    for role in Role.values:
        user = UserFactory(email=f"{role}@pt.test", name=f"Peran {role}")
        members[role] = MembershipFactory(
            user=user,
            instansi=None if role in NATIONAL_ROLES else world.instansi_a,
            unit=world.unit_a1 if role in UNIT_ROLES else None,
            role=role,
        )
    tried = {}
    with scope(world.instansi_a.pk):
        for state in PENETAPAN.states:
            Penetapan.objects.filter(pk=penetapan.pk).update(status=state)
            for role, member in members.items():
                fresh = Penetapan.objects.get(pk=penetapan.pk)
                tried[(state, "designate", role)] = _outcome(
                    lambda m=member, p=fresh: penetapan_designate(
                        actor=m,
                        penetapan=p,
                        version=p.version,
                        sk_number="800/1/SK/2025",
                        sk_date=datetime.date(2025, 12, 15),
                        sk_file=pdf_file(),
                    )
                )
    expected = {
        (state, action, role): PENETAPAN.decide(state, action, capabilities_for(role))
        for state in PENETAPAN.states
        for action in PENETAPAN.actions
        for role in Role.values
    }
    assert tried == expected
    assert {wf.ALLOWED, wf.FORBIDDEN} <= set(expected.values())
    with scope(world.instansi_a.pk):
        Penetapan.objects.filter(pk=penetapan.pk).update(status="proposed")
        penetapan_designate(
            actor=members[Role.ADMIN_ZI],
            penetapan=Penetapan.objects.get(pk=penetapan.pk),
            version=Penetapan.objects.get(pk=penetapan.pk).version,
            sk_number="800/1/SK/2025",
            sk_date=datetime.date(2025, 12, 15),
            sk_file=pdf_file(),
        )
        audit = AuditEvent.objects.get(verb="penetapan.designate")
    assert (audit.before["status"], audit.after["status"]) == ("proposed", "designated")
