"""Reads for the people page and the profile, always with an explicit instansi or user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import BooleanField, Case, Exists, OuterRef, Q, QuerySet, Value, When

from apps.tenancy.models import Instansi, Membership

if TYPE_CHECKING:
    from apps.accounts.models import User


def people_list(*, instansi: Instansi, query: str = "") -> QuerySet[Membership]:
    """The instansi's memberships for the people page, active first, with what the admin needs to see.

    Annotations: ``mfa_enrolled`` (a TOTP authenticator exists), ``invitation_pending`` (the
    person has not set a password yet) and ``account_shared`` (issue 18: the account is also used
    outside this instansi — another instansi, a national role, platform staff — or the person has not
    accepted this role yet; the page then shows nothing of the account's life: no MFA state, no last
    login). ``query`` matches name or email.
    """
    memberships = Membership.objects.filter(instansi=instansi).select_related("user", "unit")
    if query:
        memberships = memberships.filter(Q(user__name__icontains=query) | Q(user__email__icontains=query))
    return memberships.annotate(
        mfa_enrolled=Exists(Authenticator.objects.filter(user=OuterRef("user"), type=Authenticator.Type.TOTP)),
        account_shared=Case(
            When(Q(awaiting_consent=True) | Q(user__is_staff=True), then=Value(True)),
            When(Exists(_memberships_elsewhere(instansi, OuterRef("user"))), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        invitation_pending=Case(
            When(user__password__startswith=UNUSABLE_PASSWORD_PREFIX, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    ).order_by("-is_active", "user__name", "user__email", "role", "pk")


def _memberships_elsewhere(instansi: Instansi | None, user: User | OuterRef) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).exclude(instansi=instansi)


def account_shared(*, membership: Membership) -> bool:
    """The rule of ``people_list``'s ``account_shared`` for one membership (the person's page)."""
    if membership.awaiting_consent or membership.user.is_staff:
        return True
    return _memberships_elsewhere(membership.instansi, membership.user).exists()


def membership_list_of_user(*, user: User) -> QuerySet[Membership]:
    """Every membership of one person (active or not), for their profile page."""
    return Membership.objects.filter(user=user).select_related("instansi", "unit").order_by("-is_active", "pk")


def user_mfa_enrolled(*, user: User) -> bool:
    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


def membership_awaiting_consent_for_user(*, user: User) -> QuerySet[Membership]:
    """The roles instansi offered this person that they have not accepted or declined yet."""
    return (
        Membership.objects.filter(user=user, is_active=True, awaiting_consent=True)
        .select_related("instansi", "unit")
        .order_by("created_at", "id")
    )
