"""Account pages of our own; allauth provides login, logout, password reset and MFA.

* the people page of an instansi's admin ZI: list, invite, change role/unit, deactivate, resend;
* the invitation link, where an invited person chooses a password;
* the profile (name, language) and the header's language switch, which remembers the choice.
"""

from __future__ import annotations

import uuid

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from apps.accounts import selectors
from apps.accounts import services as people_services
from apps.accounts.access import access_membership
from apps.accounts.forms import InvitationAcceptForm, MembershipInviteForm, MembershipUpdateForm, ProfileForm
from apps.accounts.selectors import membership_awaiting_consent_for_user
from apps.accounts.services import invitation_accept as invitation_accept_service
from apps.accounts.services import user_language_set, user_profile_update
from apps.accounts.tokens import TokenStatus, invitation_user_and_status
from apps.core.concurrency import VersionConflict, form_after_conflict
from apps.core.errors import DomainError
from apps.tenancy.decorators import capability_required, instansi_member_required
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap

INVITATION_SENT = _("The invitation was sent to %(email)s.")
INVITATION_RESENT = _("A new invitation link was sent to %(email)s.")
INVITATION_ALREADY_QUEUED = _("An invitation was sent to %(email)s a moment ago; it was not sent twice.")
MEMBERSHIP_UPDATED = _("The role of %(person)s was changed.")
MEMBERSHIP_UNCHANGED = _("Nothing was changed.")
MEMBERSHIP_DEACTIVATED = _("%(person)s no longer holds this role.")
INVITATION_EXPIRED = _(
    "This invitation link has expired. Ask the ZI administrator of your instansi to send a new invitation."
)
INVITATION_INVALID = _(
    "This invitation link is not valid: it was already used, or it was not copied completely. "
    "If you have already set your password, log in; otherwise ask your ZI administrator for a new invitation."
)
PASSWORD_SET = _("Your password is set. Log in with your email address and the new password.")
PROFILE_SAVED = _("Your profile was saved.")
CONSENT_ACCEPTED = _("You now hold the role %(role)s in %(instansi)s.")
CONSENT_DECLINED = _("You declined the role %(role)s in %(instansi)s.")

PEOPLE_PER_PAGE = 50


# -----------------------------------------------------------------------------
# People page (admin ZI)
# -----------------------------------------------------------------------------


@capability_required(Cap.PEOPLE_MANAGE)
@require_GET
def people_list(request: HttpRequest) -> HttpResponse:
    actor = request.membership  # type: ignore[attr-defined]
    query = request.GET.get("q", "").strip()[:100]
    memberships = selectors.people_list(instansi=actor.instansi, query=query)
    page = Paginator(memberships, PEOPLE_PER_PAGE).get_page(request.GET.get("halaman"))
    form = MembershipInviteForm(instansi=actor.instansi)
    return render(request, "accounts/people_list.html", {"page": page, "query": query, "form": form})


@capability_required(Cap.PEOPLE_MANAGE)
@require_http_methods(["GET", "POST"])
def membership_invite(request: HttpRequest) -> HttpResponse:
    actor = request.membership  # type: ignore[attr-defined]
    form = MembershipInviteForm(request.POST or None, instansi=actor.instansi)
    if request.method == "POST" and form.is_valid():
        try:
            membership = people_services.membership_invite(actor=actor, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, INVITATION_SENT % {"email": membership.user.email})
            return redirect("accounts:people-list")
    return render(request, "accounts/membership_invite.html", {"form": form})


@instansi_member_required
@require_http_methods(["GET", "POST"])
def membership_update(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request.membership  # type: ignore[attr-defined]
    membership = access_membership(actor, public_id, for_write=True)
    form = MembershipUpdateForm(
        request.POST or None,
        instansi=actor.instansi,
        initial={"role": membership.role, "unit": membership.unit, "version": membership.version},
    )
    if request.method == "POST" and form.is_valid():
        before = (membership.role, membership.unit_id)
        try:
            updated = people_services.membership_change_role(actor=actor, membership=membership, **form.cleaned_data)
        except VersionConflict:
            current = Membership.objects.get(pk=membership.pk).version
            form = form_after_conflict(
                lambda data: MembershipUpdateForm(data, instansi=actor.instansi), request, current
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            if (updated.role, updated.unit_id) == before:
                messages.info(request, MEMBERSHIP_UNCHANGED)
            else:
                messages.success(request, MEMBERSHIP_UPDATED % {"person": updated.user})
            return redirect("accounts:people-list")
    context = {
        "person": membership,
        "form": form,
        "mfa_enrolled": selectors.user_mfa_enrolled(user=membership.user),
        "account_shared": selectors.account_shared(membership=membership),
        "invitation_pending": not membership.user.has_usable_password(),
    }
    return render(request, "accounts/membership_update.html", context)


@instansi_member_required
@require_POST
def membership_deactivate(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request.membership  # type: ignore[attr-defined]
    membership = access_membership(actor, public_id, for_write=True)
    try:
        people_services.membership_deactivate(actor=actor, membership=membership)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("accounts:membership-update", public_id=membership.public_id)
    messages.success(request, MEMBERSHIP_DEACTIVATED % {"person": membership.user})
    if membership.pk == actor.pk:
        return redirect("core:dashboard")  # an admin who stepped down no longer manages people here
    return redirect("accounts:people-list")


@instansi_member_required
@require_POST
def invitation_resend(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request.membership  # type: ignore[attr-defined]
    membership = access_membership(actor, public_id, for_write=True)
    try:
        sent = people_services.invitation_resend(actor=actor, membership=membership)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("accounts:membership-update", public_id=membership.public_id)
    message = INVITATION_RESENT if sent else INVITATION_ALREADY_QUEUED
    messages.success(request, message % {"email": membership.user.email})
    return redirect("accounts:membership-update", public_id=membership.public_id)


# -----------------------------------------------------------------------------
# The invitation link
# -----------------------------------------------------------------------------


@sensitive_post_parameters("password", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, public_id: uuid.UUID, token: str) -> HttpResponse:
    """The emailed link: check the token, let the person choose a password, send them to login."""
    if request.method == "POST":
        # The same budget as allauth's password-reset-from-key page: no brute force of links.
        too_many = ratelimit.consume_or_429(request, action="reset_password_from_key")
        if too_many:
            return too_many
    user, status = invitation_user_and_status(public_id, token)
    if user is None:
        message = INVITATION_EXPIRED if status is TokenStatus.EXPIRED else INVITATION_INVALID
        return render(request, "accounts/invitation_accept.html", {"invalid_message": message}, status=400)
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_accept_service(user=user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if request.user.is_authenticated:
                auth_logout(request)  # someone else's session in this browser must not carry on
            messages.success(request, PASSWORD_SET)
            return redirect("account_login")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitee": user})


# -----------------------------------------------------------------------------
# Profile and language
# -----------------------------------------------------------------------------


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    # The same cookie Django's set_language writes, so the switch is immediate on every page.
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, initial={"name": user.name, "language": user.language})  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        try:
            user_profile_update(user=user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            language = form.cleaned_data["language"]
            with translation.override(language):
                messages.success(request, str(PROFILE_SAVED))  # shown on the next page, in the new language
            response = redirect("accounts:profile")
            _set_language_cookie(response, language)
            return response
    context = {
        "form": form,
        "person_memberships": selectors.membership_list_of_user(user=user),  # type: ignore[arg-type]
        "mfa_enrolled": selectors.user_mfa_enrolled(user=user),  # type: ignore[arg-type]
    }
    return render(request, "accounts/profile.html", context)


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language``, and for a logged-in person the choice is also saved on the account."""
    response = django_set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        language = request.POST.get("language", "")
        if translation.check_for_language(language):
            user_language_set(user=request.user, language=language)  # type: ignore[arg-type]
    return response


@login_required
def mfa_required(request: HttpRequest) -> HttpResponse:
    """Explains why the person must enrol a second factor before going on."""
    return render(request, "accounts/mfa_required.html")


# -----------------------------------------------------------------------------
# Roles offered to an existing account: the person accepts or declines (issue 18)
# -----------------------------------------------------------------------------


@login_required
@require_GET
def consent_list(request: HttpRequest) -> HttpResponse:
    offers = membership_awaiting_consent_for_user(user=request.user)  # type: ignore[arg-type]
    return render(request, "accounts/consent_list.html", {"offers": offers})


@login_required
@require_POST
def consent_answer(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """``decision=accept`` or ``decline``; only the invited person's own offers are found (404)."""
    offer = (
        membership_awaiting_consent_for_user(user=request.user)  # type: ignore[arg-type]
        .filter(public_id=public_id)
        .first()
    )
    if offer is None:
        raise Http404
    decision = request.POST.get("decision")
    service = {
        "accept": people_services.membership_consent_accept,
        "decline": people_services.membership_consent_decline,
    }.get(decision or "")
    if service is None:
        return redirect("accounts:consent-list")
    try:
        service(user=request.user, membership=offer)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("accounts:consent-list")
    message = CONSENT_ACCEPTED if decision == "accept" else CONSENT_DECLINED
    messages.success(request, message % {"role": offer.get_role_display(), "instansi": offer.instansi})
    return redirect("accounts:consent-list")
