"""Invitation links: a one-time, expiring token that lets an invited person set their password.

Built on Django's password-reset token (an HMAC over the user's id, password hash, last login,
email and the issue time), with a salt of its own so that an invitation token and a password-reset
token are never interchangeable. The token is single-use by construction: setting the password
changes the password hash, which invalidates every link issued before. It expires after
``PASSWORD_RESET_TIMEOUT`` seconds.

The link carries the user's ``public_id`` (never the integer key) and the token.
"""

from __future__ import annotations

import enum
import uuid

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

from apps.accounts.models import User


class TokenStatus(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"
    INVALID = "invalid"


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "apps.accounts.tokens.InvitationTokenGenerator"

    def status(self, user: User | None, token: str | None) -> TokenStatus:
        """Like ``check_token``, but tells an expired link (say so) from a forged or used one."""
        if user is None or not token:
            return TokenStatus.INVALID
        try:
            ts_b36, _hash = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return TokenStatus.INVALID
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token):
                break
        else:
            return TokenStatus.INVALID
        if self._num_seconds(self._now()) - timestamp > settings.PASSWORD_RESET_TIMEOUT:
            return TokenStatus.EXPIRED
        return TokenStatus.VALID

    def check_token(self, user: User | None, token: str | None) -> bool:  # type: ignore[override]
        return self.status(user, token) is TokenStatus.VALID


invitation_token_generator = InvitationTokenGenerator()


def invitation_path(user: User) -> str:
    """The site-relative set-password link for an invited user (a fresh token each call)."""
    token = invitation_token_generator.make_token(user)
    return reverse("accounts:invitation-accept", kwargs={"public_id": user.public_id, "token": token})


def invitation_url(user: User) -> str:
    """The absolute link put in the invitation email and printed by ``zi_create_user``."""
    return f"{settings.SITE_URL}{invitation_path(user)}"


def invitation_user_and_status(public_id: uuid.UUID, token: str) -> tuple[User | None, TokenStatus]:
    """Resolve a link. An unknown user is just an invalid link (no hint whether the account exists)."""
    user = User.objects.filter(public_id=public_id, is_active=True).first()
    status = invitation_token_generator.status(user, token)
    return (user if status is TokenStatus.VALID else None), status
