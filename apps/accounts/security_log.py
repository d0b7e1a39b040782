"""Authentication events as log lines on the ``zi.security`` logger (ASVS V16.3).

Successful logins, logouts and failed attempts, with the client address. A failed attempt names the
account only by a short SHA-256 of the typed identifier: attempts on one account can be correlated
without writing into the logs whatever was typed in the login field (sometimes a password). These
lines go to stderr with the rest of the logs, for the log collector; the audit trail stays in the
database.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

logger = logging.getLogger("zi.security")


def _client(request: HttpRequest | None) -> str:
    return (request.META.get("REMOTE_ADDR") or "-") if request is not None else "-"


def identifier_digest(identifier: str) -> str:
    return hashlib.sha256(identifier.strip().lower().encode("utf-8")).hexdigest()[:16]


@receiver(user_logged_in, dispatch_uid="zi_security_login")
def log_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    logger.info("login user=%s client=%s", getattr(user, "public_id", user.pk), _client(request))


@receiver(user_logged_out, dispatch_uid="zi_security_logout")
def log_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        logger.info("logout user=%s client=%s", getattr(user, "public_id", user.pk), _client(request))


@receiver(user_login_failed, dispatch_uid="zi_security_login_failed")
def log_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    typed = str(credentials.get("email") or credentials.get("username") or credentials.get("login") or "")
    logger.warning("login_failed account=%s client=%s", identifier_digest(typed) if typed else "-", _client(request))
