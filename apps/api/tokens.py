"""Bearer tokens shared by the token-authenticated APIs (PortalRB, /api/v1/).

Tokens are random and high-entropy, so only a plain SHA-256 of each is stored (no salt needed); the
header is parsed strictly and a token is looked up by its hash.
"""

from __future__ import annotations

import hashlib

from django.utils.functional import Promise
from rest_framework import authentication, exceptions
from rest_framework.request import Request

MAX_TOKEN_LENGTH = 200


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def bearer_digest(request: Request, *, prefix: str, malformed: Promise | str, invalid: Promise | str) -> str | None:
    """The SHA-256 of the ``Authorization: Bearer <token>`` token, or None when there is no header
    (the permission check then answers 401). A malformed header or a token without our ``prefix``
    is refused at once, before any lookup."""
    header = authentication.get_authorization_header(request).split()
    if not header:
        return None
    if header[0].lower() != b"bearer" or len(header) != 2:
        raise exceptions.AuthenticationFailed(malformed)
    try:
        raw = header[1].decode("ascii")
    except UnicodeDecodeError as exc:
        raise exceptions.AuthenticationFailed(invalid) from exc
    if not raw.startswith(prefix) or len(raw) > MAX_TOKEN_LENGTH:
        raise exceptions.AuthenticationFailed(invalid)
    return token_hash(raw)
