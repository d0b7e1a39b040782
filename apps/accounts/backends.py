"""Authentication backends: Django's and allauth's, each reading the signed-in user through the
principal cache (apps/accounts/principal.py) — the user, memberships and TOTP state in one cache
read instead of three queries on every request."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from apps.accounts.principal import principal_user


class _CachedPrincipal:
    def get_user(self, user_id: Any) -> Any | None:
        user = principal_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class ModelBackend(_CachedPrincipal, DjangoModelBackend):
    pass


class AuthenticationBackend(_CachedPrincipal, AllauthBackend):
    pass
