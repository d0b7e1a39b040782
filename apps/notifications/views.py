"""The in-app notification list and marking one read."""

from __future__ import annotations

import uuid

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.notifications.access import access_notification
from apps.notifications.selectors import notification_list
from apps.notifications.services import notification_mark_read
from apps.tenancy.decorators import instansi_member_required


@instansi_member_required
def notification_list_view(request: HttpRequest) -> HttpResponse:
    notifications = notification_list(user=request.user, membership=request.membership)  # type: ignore[arg-type,attr-defined]
    page = Paginator(notifications, 30).get_page(request.GET.get("halaman"))
    return render(request, "notifications/notification_list.html", {"page": page})


@instansi_member_required
@require_POST
def notification_read(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    notification = access_notification(request.membership, public_id)  # type: ignore[attr-defined]
    notification_mark_read(notification=notification)
    if notification.link:
        return redirect(notification.link)
    return redirect("notifications:list")
