"""Isolation entries for accounts: the people page of the admin ZI, the invitation link, the profile.

``Membership`` is not a TenantModel (national memberships have no instansi), so there is no
TENANT_MODELS entry; its pages are covered as object routes addressed by the membership's public_id.
"""

from __future__ import annotations

from apps.accounts.models import User
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from tests.factories import UserFactory
from tests.isolation.registry import ListRoute, ObjectRoute


def _membership_a(world) -> dict:
    return {"public_id": Membership.objects.get(user=world.ani).public_id}


def _pending_membership_a(world) -> dict:
    """A membership of A whose person has not set a password yet (the resend button applies)."""
    invited = UserFactory(email="undangan-rahasia@alfa.go.id", name="Rahasia Undangan A", password=None)
    membership = Membership.objects.create(user=invited, instansi=world.instansi_a, role=Role.VIEWER)
    return {"public_id": membership.public_id}


def _offer_a(world) -> dict:
    """A role of A offered to an existing account, waiting for that person's answer."""
    invited = UserFactory(email="tawaran-rahasia@alfa.go.id", name="Rahasia Tawaran A")
    membership = Membership.objects.create(
        user=invited, instansi=world.instansi_a, role=Role.VIEWER, awaiting_consent=True
    )
    return {"public_id": membership.public_id}


def _people_list(world):
    _pending_membership_a(world)
    return {}, "undangan-rahasia@alfa.go.id"


OBJECT_ROUTES = [
    ObjectRoute("accounts:membership-update", _membership_a, methods=("GET", "POST"), data={"role": Role.PEGAWAI}),
    ObjectRoute("accounts:membership-deactivate", _membership_a, methods=("POST",)),
    ObjectRoute("accounts:invitation-resend", _pending_membership_a, methods=("POST",)),
    ObjectRoute("accounts:consent-answer", _offer_a, methods=("POST",), data={"decision": "accept"}),
]

LIST_ROUTES = [
    ListRoute("accounts:people-list", _people_list),
]

EXEMPT_ROUTES = {
    "accounts:membership-invite": "creates a membership in the actor's own instansi only; no tenant object in the URL",
    "accounts:invitation-accept": "token-authenticated set-password page; shows only the invitee's own email",
    "accounts:consent-list": "the logged-in person's own offers only (filtered by request.user)",
    "accounts:profile": "the logged-in person's own name, language and roles; no other tenant data",
}


def _invited(world):
    return User.objects.get(email="tawaran-rahasia@alfa.go.id")


OWNERS = {"accounts:consent-answer": _invited}
