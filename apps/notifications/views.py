"""The in-app notification list and marking one read."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.notifications.access import access_email_notification, access_notification
from apps.notifications.forms import PreferenceForm
from apps.notifications.selectors import notification_failures, notification_list
from apps.notifications.services import (
    notification_mark_read,
    notification_preference_set,
    notification_retry,
    preference_for,
)
from apps.tenancy.decorators import capability_required, instansi_member_required, member_required, request_actor
from apps.tenancy.roles import Cap

PREFERENCES_SAVED = _("Your notification settings are saved.")
RETRY_QUEUED = _("The email to %(email)s will be sent again.")


@member_required
def notification_list_view(request: HttpRequest) -> HttpResponse:
    notifications = notification_list(user=request.user, membership=request.membership)  # type: ignore[arg-type,attr-defined]
    page = Paginator(notifications, 30).get_page(request.GET.get("halaman"))
    return render(request, "notifications/notification_list.html", {"page": page})


@member_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """Each person chooses email and/or in-app, and emails at once or as a daily digest."""
    current = preference_for(request.user)  # type: ignore[arg-type]
    initial = {"email": current.email, "in_app": current.in_app, "email_digest": "1" if current.email_digest else "0"}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        notification_preference_set(user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        messages.success(request, PREFERENCES_SAVED)
        return redirect("notifications:preferences")
    return render(
        request, "notifications/preferences.html", {"form": form}, status=400 if form.is_bound and form.errors else 200
    )


@instansi_member_required
@require_POST
def notification_read(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    notification = access_notification(request.membership, public_id)  # type: ignore[attr-defined]
    notification_mark_read(notification=notification)
    if notification.link:
        return redirect(notification.link)
    return redirect("notifications:list")


@capability_required(Cap.PEOPLE_MANAGE)
def notification_failure_list(request: HttpRequest) -> HttpResponse:
    """The admin ZI's list of emails that failed (or are still stuck sending), each with a retry."""
    failures = notification_failures(membership=request_actor(request))
    page = Paginator(failures, 50).get_page(request.GET.get("halaman"))
    return render(request, "notifications/failure_list.html", {"page": page})


@instansi_member_required
@require_POST
def notification_failure_retry(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    notification = access_email_notification(actor, public_id)  # another instansi's: 404 before any 403
    if not actor.can(Cap.PEOPLE_MANAGE):
        raise PermissionDenied
    try:
        notification_retry(actor=actor, notification=notification)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, RETRY_QUEUED % {"email": notification.recipient.email})
    return redirect("notifications:failures")
