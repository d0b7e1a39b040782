"""A TPN world on top of the PortalRB world (A1 proposed for WBK, A2 for WBBM-AFIRMASI, B1 for WBK):
a TPN evaluator (tina) and a KemenPANRB admin (kemal), both national with TOTP, each with a token."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from apps.accounts.models import User
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.tpn.services import api_token_issue
from tests.conftest import enrol_totp
from tests.factories import MembershipFactory, UserFactory
from tests.penilaian.conftest import lke  # noqa: F401  (fixture re-exported)
from tests.portalrb.conftest import PRBWorld, prb  # noqa: F401  (fixture re-exported)


@dataclass
class TPNWorld:
    prb: PRBWorld
    tina: User
    kemal: User
    token_tpn: str
    token_kemen: str

    @property
    def world(self):
        return self.prb.world

    def actor(self, user: User) -> Membership:
        return Membership.objects.get(user=user)


@pytest.fixture
def tpn(prb: PRBWorld) -> TPNWorld:  # noqa: F811  (the prb fixture)
    tina = UserFactory(email="tina@tpn.menpan.go.id", name="Tina TPN")
    kemal = UserFactory(email="kemal@menpan.go.id", name="Kemal KemenPANRB")
    MembershipFactory(user=tina, instansi=None, role=Role.TPN_EVALUATOR)
    MembershipFactory(user=kemal, instansi=None, role=Role.KEMENPANRB_ADMIN)
    enrol_totp(tina)
    enrol_totp(kemal)
    token_tpn = api_token_issue(user=tina, name="tests").raw
    token_kemen = api_token_issue(user=kemal, name="tests").raw
    return TPNWorld(prb, tina, kemal, token_tpn, token_kemen)


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}
