"""Writes of the PortalRB app: issuing and revoking the instansi's token, logging fetches."""

from __future__ import annotations

import datetime
import secrets
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.api.tokens import token_hash
from apps.audit.services import audit_record
from apps.core.errors import ConflictError
from apps.portalrb.models import PortalRBFetch, PortalRBToken
from apps.tenancy.models import Instansi

if TYPE_CHECKING:
    from apps.accounts.models import User

TOKEN_PREFIX = "zi_prb_"  # noqa: S105  (a public prefix, not a secret)
PREFIX_DISPLAY_LENGTH = 12  # "zi_prb_" and five random characters: enough to recognise, useless to guess
NO_ACTIVE_TOKEN = _("There is no active PortalRB token to revoke.")


@dataclass(frozen=True)
class IssuedToken:
    token: PortalRBToken
    raw: str  # shown once to the admin, never stored


@transaction.atomic
def portalrb_token_issue(*, instansi: Instansi, actor: User | None) -> IssuedToken:
    """A new token for the instansi; the previous active one (if any) is revoked in the same step."""
    now = timezone.now()
    old = list(PortalRBToken.unscoped.select_for_update().filter(instansi=instansi, revoked_at__isnull=True))
    for previous in old:
        previous.revoked_at = now
        previous.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            verb="portalrb.token_revoke",
            obj=previous,
            before={"revoked_at": None},
            after={"revoked_at": now},
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PortalRBToken(
        instansi=instansi, key_hash=token_hash(raw), prefix=raw[:PREFIX_DISPLAY_LENGTH], created_by=actor
    )
    token.full_clean()
    token.save()
    audit_record(actor=actor, verb="portalrb.token_issue", obj=token, after={"prefix": token.prefix})
    return IssuedToken(token=token, raw=raw)


@transaction.atomic
def portalrb_token_revoke(*, instansi: Instansi, actor: User | None) -> PortalRBToken:
    """Revoke the active token: PortalRB gets 401 until a new one is issued and registered."""
    token = PortalRBToken.unscoped.select_for_update().filter(instansi=instansi, revoked_at__isnull=True).first()
    if token is None:
        raise ConflictError(NO_ACTIVE_TOKEN)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor,
        verb="portalrb.token_revoke",
        obj=token,
        before={"revoked_at": None},  # the active token: not revoked until now
        after={"revoked_at": token.revoked_at},
    )
    return token


LAST_USED_EVERY = datetime.timedelta(minutes=1)


def portalrb_fetch_record(
    *, token: PortalRBToken, endpoint: str, path: str, status_code: int, remote_addr: str | None, duration_ms: int
) -> None:
    """One row of the fetch log (the log is itself the record; no audit event per fetch) and, at
    most once a minute, the token's last use, in ONE statement (a CTE: the insert and the update
    commit together, one round trip per fetch — issue 9; the fetch row is inserted even when the
    UPDATE matches nothing: a CTE's data-modifying statement runs to completion whatever the outer
    statement does). The minute rule is the API tokens' own
    (``apps.tpn.services``): PortalRB pulls in bursts with one token, and an update per call made
    every call wait for the previous one's lock on the token row."""
    fetch_table = PortalRBFetch._meta.db_table
    token_table = PortalRBToken._meta.db_table
    now = timezone.now()
    path = path.replace("\x00", "\ufffd")[:300]  # text columns hold no NUL (the request's own path)
    insert = (
        f"INSERT INTO {fetch_table} "  # noqa: S608  (table names from the models)
        "(public_id, instansi_id, token_id, endpoint, path, status_code, remote_addr, duration_ms, created_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
    )
    params: list[uuid.UUID | int | str | datetime.datetime | None] = [
        uuid.uuid4(),
        token.instansi_id,
        token.pk,
        endpoint[:40],
        path,
        status_code,
        remote_addr,
        max(0, duration_ms),
        now,
    ]
    # The minute rule is the database's (the token may come from the cache, its last use as cached):
    # the UPDATE matches only a token not used for a minute, so it locks the row once a minute.
    stale_before = now - LAST_USED_EVERY
    # A token object that saw its last use set less than a minute ago (read from the database, or
    # set below by this process) needs no UPDATE: a last use only moves forward, so it would match
    # nothing. The fetch row goes in alone.
    recent = token.last_used_at is not None and token.last_used_at > stale_before
    if connection.vendor != "postgresql":
        # The embedded mode (SQLite): no data-modifying CTE there; two statements in one
        # transaction, through the ORM so every value takes the column's database form.
        with transaction.atomic():
            PortalRBFetch.unscoped.create(
                instansi_id=token.instansi_id,
                token_id=token.pk,
                endpoint=endpoint[:40],
                path=path,
                status_code=status_code,
                remote_addr=remote_addr,
                duration_ms=max(0, duration_ms),
            )
            if not recent and (
                PortalRBToken.unscoped.filter(
                    Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale_before), pk=token.pk
                ).update(last_used_at=now)
            ):
                token.last_used_at = now
        return
    with connection.cursor() as cursor:
        if recent:
            cursor.execute(insert, params)
            return
        cursor.execute(
            f"WITH logged AS ({insert} RETURNING created_at) "  # noqa: S608
            f"UPDATE {token_table} SET last_used_at = (SELECT created_at FROM logged) "
            "WHERE id = %s AND (last_used_at IS NULL OR last_used_at <= %s) RETURNING last_used_at",
            [*params, token.pk, stale_before],
        )
        updated = cursor.fetchone()
    if updated is not None:
        token.last_used_at = updated[0]  # the token may be this process's cached one (fastpath)
