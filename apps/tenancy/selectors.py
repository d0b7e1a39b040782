"""Reads of instansi and memberships."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet

from apps.tenancy.models import Instansi, Membership

User = AbstractBaseUser  # the accounts app's user (accounts sits above tenancy)


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """The user's active memberships, for the switcher and the MFA rule. A role the person has not
    accepted yet (``awaiting_consent``) is not one of them: it changes nothing until accepted."""
    return (
        Membership.objects.filter(user_id=user.pk, is_active=True, awaiting_consent=False)
        .select_related("instansi", "unit")
        .order_by("instansi__name", "role", "id")
    )


def membership_active_for_user(
    *, user: User, preferred_public_id: str | None, memberships: list[Membership] | None = None
) -> Membership | None:
    """The membership this session works in: the one chosen in the switcher, else the first.
    ``memberships`` (the user's list, when the caller already has it) saves the query."""
    if memberships is None:
        memberships = list(membership_list_for_user(user=user))
    if not memberships:
        return None
    if preferred_public_id:
        for membership in memberships:
            if str(membership.public_id) == preferred_public_id:
                return membership
    return memberships[0]


def membership_list_for_instansi(*, instansi: Instansi) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(instansi=instansi)
        .select_related("user", "unit")
        .order_by("user__name", "user__email", "role")
    )
