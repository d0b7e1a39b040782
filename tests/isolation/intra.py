"""The people of instansi A that the intra-instansi tests (test_intra_reads.py, test_intra_matrix.py)
add to the shared personas of tests/conftest.py, and how they open a page.

* **ani** — tim kerja of unit A1; **rina** — tim kerja of unit A2
* **pegi** — pegawai of unit A1 (only ``unit.view``)
* **budi** — TPI (assigned to A1 where a case says so); **citra** — admin ZI; **evi** — read-only
"""

from __future__ import annotations

from django.test import Client

from apps.accounts.models import User
from apps.tenancy.roles import Role
from tests.conftest import World
from tests.factories import MembershipFactory, UserFactory

# A refusal inside the instansi: 403 for a missing capability, 404 for an object out of the unit's reach.
REFUSED = {403, 404}


def unit_people(world: World) -> tuple[User, User]:
    """rina (tim kerja of unit A2) and pegi (pegawai of unit A1)."""
    rina = UserFactory(email="rina@alfa.go.id", name="Rina Operator A2")
    MembershipFactory(user=rina, instansi=world.instansi_a, unit=world.unit_a2, role=Role.TIM_KERJA)
    pegi = UserFactory(email="pegi@alfa.go.id", name="Pegi Pegawai A1")
    MembershipFactory(user=pegi, instansi=world.instansi_a, unit=world.unit_a1, role=Role.PEGAWAI)
    return rina, pegi


def client_for(user: User) -> Client:
    """A client signed in as ``user`` (without the login flow, for the matrices' many requests)."""
    client = Client()
    client.force_login(user)
    return client
