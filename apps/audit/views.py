"""Audit pages for admin ZI and TPI: the instansi's trail, and one object's history."""

from __future__ import annotations

import uuid

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.audit.selectors import audit_event_list
from apps.tenancy.decorators import capability_required
from apps.tenancy.roles import Cap

PAGE_SIZE = 50


@capability_required(Cap.AUDIT_VIEW)
def event_list(request: HttpRequest) -> HttpResponse:
    events = audit_event_list(instansi=request.membership.instansi)  # type: ignore[attr-defined]
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(request, "audit/event_list.html", {"page": page})


@capability_required(Cap.AUDIT_VIEW)
def object_history(request: HttpRequest, object_type: str, object_id: uuid.UUID) -> HttpResponse:
    # Filtered inside the member's own instansi: another instansi's object simply has no events here.
    events = audit_event_list(
        instansi=request.membership.instansi,  # type: ignore[attr-defined]
        object_type=object_type,
        object_id=object_id,
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(request, "audit/event_list.html", {"page": page, "object_type": object_type, "object_id": object_id})
