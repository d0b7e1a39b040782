"""Writes on people's accounts and roles.

A person's own account: accepting an invitation, the profile, the language choice, accepting or
declining a role an instansi offers (consent). The people of an instansi (moved here from tenancy,
which keeps the instansi, the membership rows and the scope): invitations, role changes,
deactivation (DESIGN §5).

Every people function is called by the admin ZI of the instansi (``Cap.PEOPLE_MANAGE``) through the
people page, except :func:`membership_bootstrap`, which the ``zi_create_user`` management command
uses to create the first admin of an instansi or a national user.

Rules kept here, in one place:

* national roles (KemenPANRB, TPN) are never granted by an instansi;
* a unit role (pimpinan unit, tim kerja, pegawai) needs a unit of the actor's own instansi, and the
  other roles cover the whole instansi (no unit);
* one person has one account: inviting an existing email adds a membership to that account, which
  does nothing until the person accepts it (consent, issue 18); an account with a national role is
  never given an instansi role;
* the same person cannot hold the same role on the same unit twice (active);
* an instansi never loses its last active admin ZI.
"""

from __future__ import annotations

from typing import Any, Protocol

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User, normalize_email
from apps.accounts.tokens import invitation_url
from apps.audit.guarded import guarded, lock, require
from apps.audit.services import audit_record, changes_to_before_after
from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.services import model_update
from apps.notifications.models import Channel
from apps.notifications.services import notify
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.roles import NATIONAL_ROLES, UNIT_ROLES, Cap, Role
from apps.tenancy.scope import scope


class UnitKerja(Protocol):
    """What the people services need of a unit kerja (accounts sits below unit_kerja's layer)."""

    pk: Any
    instansi_id: int


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
    user = lock(user)
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


# -----------------------------------------------------------------------------
# The people of an instansi (invitations, roles) and the invited person's consent
# -----------------------------------------------------------------------------

NATIONAL_ROLE_NOT_ALLOWED = _("National roles (KemenPANRB, TPN) cannot be granted by an instansi.")
ROLE_UNKNOWN = _("Choose one of the listed roles.")
UNIT_REQUIRED = _("This role works in one unit kerja: choose the unit.")
UNIT_NOT_APPLICABLE = _("This role covers the whole instansi: leave the unit empty.")
UNIT_OTHER_INSTANSI = _("Choose a unit kerja of your own instansi.")
MEMBERSHIP_DUPLICATE = _("This person already holds this role for this unit.")
MEMBERSHIP_INACTIVE = _("This membership is no longer active.")
ACCOUNT_NATIONAL = _("This account holds a national role (KemenPANRB, TPN); an instansi cannot give it a role.")
CONSENT_NOT_FOUND = _("This invitation no longer exists.")
ACCOUNT_DISABLED = _("This account has been disabled by the platform support; it cannot be given a role.")
LAST_ADMIN = _("This is the last active ZI administrator of the instansi. Make someone else ZI administrator first.")
ALREADY_ACTIVATED = _(
    "This person has already set a password. If they forgot it, they can use “Forgot password?” on the login page."
)
BOOTSTRAP_ROLE_NOT_ALLOWED = _("Only a national role, or the ZI administrator of an instansi, can be created here.")
BOOTSTRAP_INSTANSI_REQUIRED = _("A ZI administrator belongs to an instansi.")
BOOTSTRAP_NATIONAL_HAS_NO_INSTANSI = _("A national role has no instansi.")

INVITATION_KIND = "invitation"
INVITATION_TEMPLATE = "invitation"


class LastAdminError(DomainError):
    code = "last_admin"
    default_message = LAST_ADMIN


class AlreadyActivatedError(DomainError):
    code = "already_activated"
    default_message = ALREADY_ACTIVATED


class MembershipInactiveError(DomainError):
    code = "membership_inactive"
    default_message = MEMBERSHIP_INACTIVE


# -----------------------------------------------------------------------------
# Checks shared by the services
# -----------------------------------------------------------------------------


def _require_people_manage(actor: Membership, membership: Membership | None = None) -> int:
    """The actor's instansi id, when the actor manages its people (and ``membership`` is of it)."""
    require(actor, Cap.PEOPLE_MANAGE)
    # The view reached the membership through access_membership; a foreign one here is a bug.
    if membership is not None and membership.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    return actor.instansi_id  # type: ignore[return-value]  # require: an instansi role


def _validate_role_and_unit(*, instansi_id: int, role: str, unit: UnitKerja | None) -> None:
    if role in NATIONAL_ROLES:
        raise ValidationError({"role": ValidationError(NATIONAL_ROLE_NOT_ALLOWED, code="national_role")})
    if role not in Role.values:
        raise ValidationError({"role": ValidationError(ROLE_UNKNOWN, code="role_unknown")})
    if unit is not None and unit.instansi_id != instansi_id:
        raise ValidationError({"unit": ValidationError(UNIT_OTHER_INSTANSI, code="unit_other_instansi")})
    if role in UNIT_ROLES and unit is None:
        raise ValidationError({"unit": ValidationError(UNIT_REQUIRED, code="unit_required")})
    if role not in UNIT_ROLES and unit is not None:
        raise ValidationError({"unit": ValidationError(UNIT_NOT_APPLICABLE, code="unit_not_applicable")})


def _refuse_duplicate(
    *, user: User, instansi_id: int | None, role: str, unit: UnitKerja | None, field: str, exclude_pk: int | None = None
) -> None:
    unit_id = unit.pk if unit is not None else None
    duplicates = Membership.objects.filter(user=user, role=role, unit_id=unit_id, is_active=True)
    if instansi_id is None:
        duplicates = duplicates.filter(instansi__isnull=True)
    else:
        duplicates = duplicates.filter(instansi_id=instansi_id)
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    if duplicates.exists():
        raise ValidationError({field: ValidationError(MEMBERSHIP_DUPLICATE, code="duplicate")})


def _ensure_not_last_admin(membership: Membership) -> None:
    """Refuse when ``membership`` is the instansi's only active admin ZI.

    The active admins' rows are locked first, so two admins removing each other at the same moment
    are serialised: the second sees the first one's change and is refused.
    """
    if membership.role != Role.ADMIN_ZI or not membership.is_active or membership.instansi_id is None:
        return
    admins = list(
        Membership.objects.select_for_update(of=("self",))
        .filter(instansi_id=membership.instansi_id, role=Role.ADMIN_ZI, is_active=True, user__is_active=True)
        .values_list("pk", flat=True)
    )
    if not [pk for pk in admins if pk != membership.pk]:
        raise LastAdminError


def _user_for_email(*, email: str, name: str) -> tuple[User, bool]:
    """The one account of this email: locked when it exists, created (unusable password) otherwise.
    Returns the account and whether it existed before. An existing account is never changed here
    (not even its name): nothing changes for a person until they accept."""
    email = normalize_email(email)
    user = User.objects.select_for_update().filter(email=email).first()
    if user is not None:
        if not user.is_active:
            raise ValidationError({"email": ValidationError(ACCOUNT_DISABLED, code="account_disabled")})
        return user, True
    user = User(email=email, name=name.strip())
    user.set_unusable_password()  # the person chooses a password from the invitation link
    user.full_clean()
    user.save()
    return user, False


def _membership_snapshot(membership: Membership) -> dict[str, Any]:
    return {
        "email": membership.user.email,
        "role": membership.role,
        "unit": membership.unit,
        "is_active": membership.is_active,
        "awaiting_consent": membership.awaiting_consent,
    }


def _send_invitation(*, membership: Membership, inviter: User | None, key: str) -> bool:
    """Queue the invitation email (sent on commit). True when this call queued a new one.

    A person who never set a password gets a set-password link; someone who already has an account
    is told about the new role and logs in as usual.
    """
    user = membership.user
    pending = not user.has_usable_password()
    context = {
        "membership": membership,
        "instansi": membership.instansi,
        # The lazy label, so the email renders it in the recipient's language (not the admin's).
        "role": Role(membership.role).label,
        "unit": membership.unit,
        "inviter": inviter,
        "accept_url": invitation_url(user) if pending else "",
        "login_url": f"{settings.SITE_URL}{reverse('account_login')}",
        "consent_url": f"{settings.SITE_URL}{reverse('accounts:consent-list')}" if membership.awaiting_consent else "",
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 3600)),
    }
    instansi = membership.instansi
    if instansi is None:  # national memberships are never invited through an instansi
        raise PermissionDeniedError
    created = notify(
        instansi=instansi,
        recipient=user,
        kind=INVITATION_KIND,
        key=key,
        template=INVITATION_TEMPLATE,
        context=context,
        channels=(Channel.EMAIL,),
    )
    return bool(created)


# -----------------------------------------------------------------------------
# Services
# -----------------------------------------------------------------------------


@transaction.atomic
def membership_invite(
    *, actor: Membership, email: str, name: str, role: str, unit: UnitKerja | None = None
) -> Membership:
    """Give a person a role in the actor's instansi and email them an invitation.

    * Only an admin ZI (``Cap.PEOPLE_MANAGE``); only non-national roles; a unit role needs a unit of
      the actor's instansi (``ValidationError`` on ``role``/``unit`` otherwise).
    * An existing account with this email gets a new membership, never a second account; the same
      active role on the same unit again is refused (``ValidationError`` on ``email``). That
      membership awaits the person's consent (``awaiting_consent``): it gives no access and changes
      nothing for them until they accept it (:func:`membership_consent_accept`). An account with a
      national role, or platform staff, is refused (``ValidationError`` on ``email``).
    * A new account has an unusable password until the person follows the link.
    * Writes ``membership.invite`` to the audit trail; the email leaves on commit.
    """
    instansi_id = _require_people_manage(actor)
    _validate_role_and_unit(instansi_id=instansi_id, role=role, unit=unit)
    user, existed = _user_for_email(email=email, name=name)
    if existed and (user.is_staff or Membership.objects.filter(user=user, role__in=sorted(NATIONAL_ROLES)).exists()):
        raise ValidationError({"email": ValidationError(ACCOUNT_NATIONAL, code="account_national")})
    _refuse_duplicate(user=user, instansi_id=instansi_id, role=role, unit=unit, field="email")
    membership = Membership(
        user=user, instansi_id=instansi_id, role=role, unit_id=unit.pk if unit else None, awaiting_consent=existed
    )
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor.user,
        verb="membership.invite",
        obj=membership,
        instansi=actor.instansi,
        after=_membership_snapshot(membership),
    )
    _send_invitation(membership=membership, inviter=actor.user, key=f"invitation:{membership.public_id}")
    return membership


@transaction.atomic
def membership_change_role(
    *,
    actor: Membership,
    membership: Membership,
    role: str,
    unit: UnitKerja | None = None,
    version: int | None = None,
) -> Membership:
    """Change a membership's role and unit (no-op when both are unchanged). ``version``: the one
    the form showed; another admin's change in between is a ``VersionConflict``.

    Same role and unit rules as :func:`membership_invite`. Moving the instansi's last active admin
    ZI to another role raises :class:`LastAdminError`. Writes ``membership.change_role`` with the
    values before and after.
    """
    instansi_id = _require_people_manage(actor, membership)
    membership = guarded(actor, membership, related=("user",), version=version).row
    if not membership.is_active:
        raise MembershipInactiveError
    _validate_role_and_unit(instansi_id=instansi_id, role=role, unit=unit)
    if membership.role == role and membership.unit_id == (unit.pk if unit else None):
        return membership
    if role != Role.ADMIN_ZI:
        _ensure_not_last_admin(membership)
    _refuse_duplicate(
        user=membership.user,
        instansi_id=instansi_id,
        role=role,
        unit=unit,
        field="role",
        exclude_pk=membership.pk,
    )
    data: dict[str, Any] = {"role": role, "unit": unit}
    if role != Role.TIM_KERJA:
        data["areas"] = []  # change areas narrow only a tim kerja
    membership, changes = model_update(instance=membership, fields=["role", "unit", "areas"], data=data)
    before, after = changes_to_before_after(changes)
    audit_record(
        actor=actor.user,
        verb="membership.change_role",
        obj=membership,
        instansi=actor.instansi,
        before=before,
        after=after,
    )
    return membership


@transaction.atomic
def membership_deactivate(*, actor: Membership, membership: Membership) -> Membership:
    """End a membership (the account and its other memberships stay). No-op when already inactive.

    Refuses to remove the instansi's last active admin ZI (:class:`LastAdminError`). The person
    loses this role on their next request. Writes ``membership.deactivate``.
    """
    _require_people_manage(actor, membership)
    membership = lock(membership, related=("user",))
    if not membership.is_active:
        return membership
    _ensure_not_last_admin(membership)
    membership, changes = model_update(instance=membership, fields=["is_active"], data={"is_active": False})
    before, after = changes_to_before_after(changes)
    audit_record(
        actor=actor.user,
        verb="membership.deactivate",
        obj=membership,
        instansi=actor.instansi,
        before=before,
        after=after,
    )
    return membership


@transaction.atomic
def invitation_resend(*, actor: Membership, membership: Membership) -> bool:
    """Email the invitation again with a fresh link, for a person who has not set a password yet.

    Returns False when an invitation for this membership was already queued within the same
    minute (a double click sends one email). Raises :class:`AlreadyActivatedError` when the person
    already has a password. Writes ``membership.invitation_resend`` when an email is queued.
    """
    _require_people_manage(actor, membership)
    membership = Membership.objects.select_related("user", "unit", "instansi").get(pk=membership.pk)
    if not membership.is_active:
        raise MembershipInactiveError
    if membership.user.has_usable_password():
        raise AlreadyActivatedError
    minute = timezone.now().strftime("%Y%m%d%H%M")
    sent = _send_invitation(
        membership=membership, inviter=actor.user, key=f"invitation:{membership.public_id}:{minute}"
    )
    if sent:
        audit_record(
            actor=actor.user,
            verb="membership.invitation_resend",
            obj=membership,
            instansi=actor.instansi,
            after={"email": membership.user.email},
        )
    return sent


@transaction.atomic
def membership_bootstrap(*, email: str, name: str, role: str, instansi: Instansi | None = None) -> Membership:
    """Create a national user, or an instansi's ZI administrator, without an acting admin.

    For set-up and demos (``manage.py zi_create_user``), where nobody can invite yet. No email is
    sent: the command prints the invitation link. Audited (actor "sistem") when there is an instansi;
    national memberships have no instansi, hence no tenant audit trail.
    """
    if role in NATIONAL_ROLES:
        if instansi is not None:
            raise ValidationError({"instansi": ValidationError(BOOTSTRAP_NATIONAL_HAS_NO_INSTANSI, code="national")})
    elif role == Role.ADMIN_ZI:
        if instansi is None:
            raise ValidationError({"instansi": ValidationError(BOOTSTRAP_INSTANSI_REQUIRED, code="instansi_required")})
    else:
        raise ValidationError({"role": ValidationError(BOOTSTRAP_ROLE_NOT_ALLOWED, code="role_not_allowed")})
    user, _existed = _user_for_email(email=email, name=name)
    _refuse_duplicate(user=user, instansi_id=instansi.pk if instansi else None, role=role, unit=None, field="email")
    membership = Membership(user=user, instansi=instansi, role=role)
    membership.full_clean()
    membership.save()
    if instansi is not None:
        audit_record(
            actor=None,
            verb="membership.bootstrap",
            obj=membership,
            instansi=instansi,
            after=_membership_snapshot(membership),
        )
    return membership


# -----------------------------------------------------------------------------
# Consent: the invited person accepts or declines a role (their own account's business)
# -----------------------------------------------------------------------------


def _awaiting(*, user: User, membership: Membership) -> Membership:
    locked = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("instansi")
        .filter(pk=membership.pk, user=user, is_active=True, awaiting_consent=True)
        .first()
    )
    if locked is None:
        raise DomainError(CONSENT_NOT_FOUND)
    return locked


@transaction.atomic
def membership_consent_accept(*, user: User, membership: Membership) -> Membership:
    """The invited person accepts the role: from now on it is in their switcher and gives access.
    Writes ``membership.consent_accept`` (before/after) in the instansi's trail."""
    locked = _awaiting(user=user, membership=membership)
    before = _membership_snapshot(locked)
    locked.awaiting_consent = False
    locked.save(update_fields=["awaiting_consent", "updated_at"])
    # The person answers from whatever instansi they work in: the event goes to the offering one.
    with scope(locked.instansi_id):
        audit_record(
            actor=user,
            verb="membership.consent_accept",
            obj=locked,
            instansi=locked.instansi,
            before=before,
            after=_membership_snapshot(locked),
        )
    return locked


@transaction.atomic
def membership_consent_decline(*, user: User, membership: Membership) -> Membership:
    """The invited person declines: the membership ends (inactive) and never gave any access.
    Writes ``membership.consent_decline`` (before/after) in the instansi's trail."""
    locked = _awaiting(user=user, membership=membership)
    before = _membership_snapshot(locked)
    locked.awaiting_consent = False
    locked.is_active = False
    locked.save(update_fields=["awaiting_consent", "is_active", "updated_at"])
    # The person answers from whatever instansi they work in: the event goes to the offering one.
    with scope(locked.instansi_id):
        audit_record(
            actor=user,
            verb="membership.consent_decline",
            obj=locked,
            instansi=locked.instansi,
            before=before,
            after=_membership_snapshot(locked),
        )
    return locked
