"""Pages: the admin ZI's PortalRB page (base URL, token, preview, fetch log) and the public,
signed evidence page that ``bukti_dukung_unit`` links point to."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.audit.services import audit_download
from apps.bukti_dukung.views import safe_download_name
from apps.core.errors import DomainError
from apps.core.files import file_response
from apps.portalrb.access import access_evidence_link, access_frozen_evidence, access_unit_snapshot
from apps.portalrb.selectors import (
    portalrb_answers,
    portalrb_fetch_list,
    portalrb_preview,
    portalrb_token_active,
)
from apps.portalrb.services import portalrb_token_issue, portalrb_token_revoke
from apps.portalrb.views import _remote_addr
from apps.tenancy.decorators import capability_required, instansi_member_required
from apps.tenancy.roles import Cap
from apps.tenancy.scope import scope

PAGE_SIZE = 50
TOKEN_REVOKED = _("The PortalRB token was revoked. PortalRB can no longer fetch until a new token is registered.")
# Who fetched, for the audit row of a download through a signed evidence link (no account).
LINK_ACTOR = "PortalRB (tautan bukti dukung)"
LINK_INVALID = _("This evidence link is not valid or has expired. Ask the instansi to let PortalRB fetch again.")


def base_url() -> str:
    """What the instansi registers in PortalRB: PortalRB appends /pengusulan/… and /lke/…"""
    return settings.SITE_URL + "/api/portalrb"


def _pretty(payload: Any) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False)


def _overview_context(request: HttpRequest) -> dict[str, Any]:
    instansi = request.membership.instansi  # type: ignore[attr-defined]
    preview = portalrb_preview(instansi=instansi)
    units = [*preview["unit-wbk"]["units"], *preview["unit-wbbm"]["units"]]
    return {
        "base_url": base_url(),
        "token": portalrb_token_active(instansi=instansi),
        "wbk_json": _pretty(preview["unit-wbk"]),
        "wbbm_json": _pretty(preview["unit-wbbm"]),
        "units": units,
        "recent": portalrb_fetch_list(instansi=instansi)[:10],
    }


@capability_required(Cap.PORTALRB_MANAGE)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    return render(request, "portalrb/portalrb_overview.html", _overview_context(request))


@capability_required(Cap.PORTALRB_MANAGE)
@require_POST
@never_cache
def token_issue(request: HttpRequest) -> HttpResponse:
    # Answered directly, not redirected: the token lives only in this one response, never in the session.
    issued = portalrb_token_issue(
        instansi=request.membership.instansi,  # type: ignore[attr-defined]
        actor=request.user,  # type: ignore[arg-type]
    )
    return render(
        request, "portalrb/token_created.html", {"raw_token": issued.raw, "token": issued.token, "base_url": base_url()}
    )


@capability_required(Cap.PORTALRB_MANAGE)
@require_POST
def token_revoke(request: HttpRequest) -> HttpResponse:
    try:
        portalrb_token_revoke(
            instansi=request.membership.instansi,  # type: ignore[attr-defined]
            actor=request.user,  # type: ignore[arg-type]
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, TOKEN_REVOKED)
    return redirect("portalrb:overview")


@instansi_member_required
@require_GET
def unit_preview(request: HttpRequest, unit_public_id: uuid.UUID) -> HttpResponse:
    snapshot = access_unit_snapshot(request.membership, unit_public_id)  # type: ignore[attr-defined]
    payload = portalrb_answers(snapshot=snapshot)
    return render(
        request,
        "portalrb/unit_preview.html",
        {"payload": payload, "payload_json": _pretty(payload), "base_url": base_url()},
    )


@capability_required(Cap.PORTALRB_MANAGE)
@require_GET
def fetch_list(request: HttpRequest) -> HttpResponse:
    fetches = portalrb_fetch_list(instansi=request.membership.instansi)  # type: ignore[attr-defined]
    page = Paginator(fetches, PAGE_SIZE).get_page(request.GET.get("halaman"))
    return render(request, "portalrb/fetch_list.html", {"page": page})


# -----------------------------------------------------------------------------
# Public evidence pages: no login, the signature is the authorisation.
# -----------------------------------------------------------------------------


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "portalrb/bukti_invalid.html", {"message": LINK_INVALID}, status=404)


@require_GET
def bukti(request: HttpRequest, token: str) -> HttpResponse:
    found = access_evidence_link(token)
    if found is None:
        return _invalid(request)
    ref, snapshot, unit = found
    files = [
        {**item, "url": reverse("portalrb:bukti-file", kwargs={"token": token, "bukti_id": item["id"]})}
        for item in unit.get("evidence", [])
    ]
    context = {
        "snapshot": snapshot,
        "nama_unit": snapshot.data["unit"]["nama"],
        "tahun": snapshot.data["tahun"],
        "soal_id": ref.soal_id,
        "files": files,
        "evidence_link": unit.get("evidence_link") or "",
    }
    response = render(request, "portalrb/bukti.html", context)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def bukti_file(request: HttpRequest, token: str, bukti_id: uuid.UUID) -> HttpResponse:
    found = access_evidence_link(token)
    if found is None:
        return _invalid(request)
    ref, snapshot, _unit = found
    # Only a file frozen in this snapshot for this soal, and only while its content is unchanged.
    row = access_frozen_evidence(found, bukti_id)
    response = file_response(row.file, filename=safe_download_name(row), content_type=row.content_type)
    response["Referrer-Policy"] = "no-referrer"
    # Personal data left ZI (issue 18): a row in the instansi's chain, naming the link (by its hash:
    # the link itself is a bearer secret), the frozen snapshot and soal, and the fetching address.
    with scope(snapshot.instansi_id):
        audit_download(
            actor=None,
            actor_label=LINK_ACTOR,
            verb="portalrb.bukti_download",
            obj=row,
            detail={
                "link_sha256": hashlib.sha256(token.encode()).hexdigest(),
                "snapshot": str(snapshot.public_id),
                "pengusulan": str(snapshot.pengusulan.public_id),
                "soal_id": ref.soal_id,
                "remote_addr": _remote_addr(request),
            },
        )
    return response
