"""Writes on a person's own account: accepting an invitation, the profile, the language choice."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.audit.services import audit_record
from apps.core.services import model_update
from apps.tenancy.models import Membership
from apps.tenancy.scope import scope

LANGUAGE_NOT_SUPPORTED = _("Choose Bahasa Indonesia or English.")

_LANGUAGES = {code for code, _name in settings.LANGUAGES}


@transaction.atomic
def invitation_accept(*, user: User, password: str) -> User:
    """Set the invited person's first password; the caller has already checked the link's token.

    Validates the password with AUTH_PASSWORD_VALIDATORS (ValidationError on ``password``). Setting
    it changes the password hash, so the link (and every other invitation link) stops working.
    The email address counts as verified from now on: the link reached that mailbox. Writes an
    ``account.invitation_accept`` audit event in each instansi the person belongs to.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.error_list}) from exc
    user.set_password(password)
    user.full_clean()
    user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email__iexact=user.email, defaults={"email": user.email, "verified": True, "primary": True}
    )
    for membership in Membership.objects.filter(user=user, is_active=True, instansi__isnull=False).select_related(
        "instansi"
    ):
        # The link is opened signed out (no scope): each event is written in its own instansi's scope.
        with scope(membership.instansi_id):
            audit_record(actor=user, verb="account.invitation_accept", obj=membership, instansi=membership.instansi)
    return user


@transaction.atomic
def user_profile_update(*, user: User, name: str, language: str) -> User:
    """Change the person's own name and language preference (saved only when something changed).

    A personal preference, not a change to anyone's data of an instansi: no audit event.
    """
    if language not in _LANGUAGES:
        raise ValidationError({"language": ValidationError(LANGUAGE_NOT_SUPPORTED, code="language")})
    user, _changes = model_update(instance=user, fields=["name", "language"], data={"name": name, "language": language})
    return user


def user_language_set(*, user: User, language: str) -> User:
    """Remember the language chosen in the header switcher (ignored when not supported)."""
    if language not in _LANGUAGES:
        return user
    user, _changes = model_update(instance=user, fields=["language"], data={"language": language})
    return user
