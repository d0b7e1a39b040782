"""The national view's world: the PortalRB world (A proposes A1 for WBK and A2 for WBBM-AFIRMASI,
B proposes B1 for WBK, each with a current snapshot) and Nadia, a TPN evaluator (no instansi, TOTP
enrolled)."""

from __future__ import annotations

import pytest

from apps.accounts.models import User
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from tests.conftest import enrol_totp
from tests.factories import UserFactory
from tests.portalrb.conftest import lke, prb  # noqa: F401  (fixtures shared with the PortalRB tests)


@pytest.fixture
def nadia(world) -> User:
    """A TPN evaluator: a national membership, no instansi, MFA enrolled."""
    user = UserFactory(email="nadia@menpan.go.id", name="Nadia Evaluator")
    Membership.objects.create(user=user, instansi=None, role=Role.TPN_EVALUATOR)
    enrol_totp(user)
    return user


def national_membership(user: User) -> Membership:
    return Membership.objects.get(user=user)
