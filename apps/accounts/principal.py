"""The principal of a request — the signed-in user, their active memberships (with instansi and unit)
and whether they enrolled TOTP — read from the shared cache instead of three queries per request
(issue 22: being logged in cost four times what Django and the view cost together).

One cache entry per user, written on a miss and deleted whenever anything it holds changes:

* a ``User``, ``Membership`` or allauth ``Authenticator`` saved or deleted: that user's entry;
* an ``Instansi`` or ``UnitKerja`` saved or deleted: the entries of every user with a membership
  there (a unit's ``path`` is the unit narrowing of access checks; units are connected from
  ``apps.unit_kerja``, the layer above);
* bulk writes that bypass signals call :func:`principal_forget` themselves (a subtree move in
  ``apps/unit_kerja/services/units.py``).

Deletion happens at once and again after the transaction commits, so a request that re-read the
old rows between the write and the commit cannot leave them cached. While Redis is unreachable
(``apps.core.cache``) the cache is bypassed altogether — the local fallback of one process would not
see another process's deletions — and every entry expires after ``ZI_PRINCIPAL_CACHE_SECONDS``
anyway, which bounds what a deletion lost in an outage can leave behind.

The key carries the database name and a digest of the cached models' fields: another database
(a restore) or a deployment that changed a model never reads an entry it did not write.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from functools import cache as memoize
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete

from apps.accounts.models import User
from apps.core.cache import cache_unavailable
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.selectors import membership_list_for_user

logger = logging.getLogger(__name__)

# What the auth backend hangs on the user it returns (ScopeMiddleware and the MFA rule read them).
MEMBERSHIPS_ATTR = "zi_memberships"
MFA_ATTR = "zi_mfa_totp"


@memoize
def _key_prefix() -> str:
    unit_model = Membership._meta.get_field("unit").related_model  # unit_kerja is a layer above: no import
    shape = "|".join(
        f"{model._meta.label}:{','.join(f.attname for f in model._meta.concrete_fields)}"
        for model in (User, Membership, Instansi, unit_model, Authenticator)
    )
    digest = hashlib.sha256(shape.encode()).hexdigest()[:12]
    return f"zi:principal:{digest}:{settings.DATABASES['default']['NAME']}:"


def _key(user_id: Any) -> str:
    return f"{_key_prefix()}{user_id}"


def _load(user_id: Any) -> tuple[Any, list[Any], bool] | None:

    user = User._default_manager.filter(pk=user_id).first()
    if user is None:
        return None
    memberships = list(membership_list_for_user(user=user))
    # The MFA rule asks only for those it binds; one cheap EXISTS keeps the entry whole.
    mfa = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()
    return user, memberships, mfa


def principal_user(user_id: Any) -> Any | None:
    """The user with ``user_id`` and, as attributes, their memberships and TOTP state: from the
    cache, or from the database (then cached). None when there is no such user."""
    usable = not cache_unavailable()
    entry = None
    if usable:
        try:
            entry = cache.get(_key(user_id))
        except Exception:  # an entry this code cannot unpickle: read it again
            logger.warning("unreadable principal cache entry for user %s", user_id, exc_info=True)
            entry = None
    if entry is None:
        entry = _load(user_id)
        if entry is None:
            return None
        if usable and not cache_unavailable():
            cache.set(_key(user_id), entry, timeout=settings.ZI_PRINCIPAL_CACHE_SECONDS)
    user, memberships, mfa = entry
    for membership in memberships:
        # ``actor.user`` in every service (audit rows, updated_by) is this very user: no query for it.
        Membership.user.field.set_cached_value(membership, user)
    setattr(user, MEMBERSHIPS_ATTR, memberships)
    setattr(user, MFA_ATTR, mfa)
    return user


def principal_forget(user_ids: Iterable[Any]) -> None:
    """Drop the cached principal of these users, now and once the transaction commits."""
    keys = [_key(user_id) for user_id in set(user_ids) if user_id is not None]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def principal_forget_units(unit_ids: Iterable[int]) -> None:
    """Drop the principals of everyone whose membership is on one of these units."""

    ids = list(unit_ids)
    if ids:
        principal_forget(Membership.objects.filter(unit_id__in=ids).values_list("user_id", flat=True))


def principal_forget_instansi(instansi_id: int) -> None:

    principal_forget(Membership.objects.filter(instansi_id=instansi_id).values_list("user_id", flat=True))


def connect_signals() -> None:
    """Connected in ``AccountsConfig.ready``."""

    def user_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
        principal_forget([instance.pk])

    def owner_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
        principal_forget([instance.user_id])

    def instansi_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
        principal_forget_instansi(instance.pk)

    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(user_changed, sender=User, weak=False, dispatch_uid=f"principal-user-{name}")
        for model in (Membership, Authenticator):
            uid = f"principal-{model._meta.label}-{name}"
            signal.connect(owner_changed, sender=model, weak=False, dispatch_uid=uid)
    # An instansi: before a delete, while its memberships can still be found. Units are connected by
    # apps/unit_kerja (a layer above this one): ``connect_unit_signals``.
    for name, signal in (("save", post_save), ("delete", pre_delete)):
        signal.connect(instansi_changed, sender=Instansi, weak=False, dispatch_uid=f"principal-instansi-{name}")


def connect_unit_signals(unit_model: Any) -> None:
    """Called by ``UnitKerjaConfig.ready``: a unit saved or about to be deleted forgets its members."""

    def unit_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
        principal_forget_units([instance.pk])

    for name, signal in (("save", post_save), ("delete", pre_delete)):
        signal.connect(unit_changed, sender=unit_model, weak=False, dispatch_uid=f"principal-unit-{name}")
