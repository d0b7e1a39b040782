"""Public pages of the Pakta Integritas, without login: signing through a personal one-time link
(phone-first), the signer's PDF, and the verification page the PDF's QR code opens.

The token or the code is the only credential, so each page looks its row up across instansi
(``unscoped``, greppable) and then opens that instansi's scope itself.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from apps.audit.services import audit_download
from apps.core.forms import apply_service_error
from apps.core.throttle import hashed, window_hit, window_peek
from apps.pencanangan import selectors, services
from apps.pencanangan.forms import LinkSignForm, VerifyForm
from apps.pencanangan.models import PaktaIntegritas
from apps.pencanangan.pdf import pakta_pdf_filename, verify_url
from apps.pencanangan.views import _pdf_response
from apps.tenancy.scope import scope

DOWNLOAD_SALT = "pencanangan.pakta-download"
DOWNLOAD_MAX_AGE = 7 * 24 * 3600  # the signer may download their PDF for a week after signing


def download_token(pakta: PaktaIntegritas) -> str:
    return signing.dumps(pakta.verify_code, salt=DOWNLOAD_SALT, compress=False)


def _pakta_from_download_token(token: str) -> PaktaIntegritas:
    try:
        code = signing.loads(token, salt=DOWNLOAD_SALT, max_age=DOWNLOAD_MAX_AGE)
    except signing.BadSignature as exc:  # also SignatureExpired
        raise Http404 from exc
    pakta = selectors.pakta_verify_lookup(code)
    if pakta is None:
        raise Http404
    return pakta


NIP_HIDDEN = _("(your NIP)")
NIP_ATTEMPTS_EXCEEDED = _("Too many attempts. Wait a while, then try again.")
# NIP attempts (issue 18): every attempt per signing link, failed attempts per address; settings may
# change both.
DEFAULT_NIP_RATE_LINK = "5/h"
DEFAULT_NIP_RATE_ADDRESS = "30/h"


def _without_nip(text: str, nip: str) -> str:
    """The page asks the signer to type their NIP: it must not show it (the signed text keeps it)."""
    return text.replace(nip, str(NIP_HIDDEN)) if nip else text


def _address_key(request: HttpRequest) -> str:
    return f"pakta:nip:address:{hashed(request.META.get('REMOTE_ADDR') or 'unknown')}"


def _nip_attempt_refused(request: HttpRequest, token: str) -> bool:
    """Count one NIP attempt on this link; True when the link is over its rate, or this address has
    already failed as often as its rate allows. An address counts only failed attempts
    (``_nip_attempt_failed``): a signing ceremony behind one office NAT signs hundreds in an hour."""
    link_rate = getattr(settings, "ZI_PAKTA_NIP_RATE_LINK", DEFAULT_NIP_RATE_LINK)
    address_rate = getattr(settings, "ZI_PAKTA_NIP_RATE_ADDRESS", DEFAULT_NIP_RATE_ADDRESS)
    by_link = window_hit(f"pakta:nip:link:{hashed(token)}", link_rate)
    by_address = window_peek(_address_key(request), address_rate)
    return not (by_link.allowed and by_address.allowed)


def _nip_attempt_failed(request: HttpRequest) -> None:
    window_hit(_address_key(request), getattr(settings, "ZI_PAKTA_NIP_RATE_ADDRESS", DEFAULT_NIP_RATE_ADDRESS))


@never_cache
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = services.signing_link_resolve(token)
    except services.LinkRefused as exc:
        return render(request, "pencanangan/public_link_refused.html", {"message": exc.message}, status=410)
    with scope(link.instansi_id):
        pegawai, cycle = link.pegawai, link.cycle
        text = _without_nip(
            services.pakta_render(
                text=services.pakta_text_current(instansi=pegawai.instansi), pegawai=pegawai, cycle=cycle
            ),
            pegawai.nip,
        )
        form = LinkSignForm(request.POST if request.method == "POST" else None)  # an empty POST is bound
        status = 200
        throttled = request.method == "POST" and _nip_attempt_refused(request, token)
        if throttled:
            form.is_valid()
            form.add_error(None, NIP_ATTEMPTS_EXCEEDED)
            status = 429
        elif request.method == "POST":
            form.is_valid()
            try:
                pakta = services.pakta_sign_with_link(
                    token=token,
                    nip=form.cleaned_data.get("nip") or "",
                    confirm=bool(form.cleaned_data.get("confirm")),
                )
            except services.LinkRefused as exc:  # used meanwhile (a double submit)
                return render(request, "pencanangan/public_link_refused.html", {"message": exc.message}, status=410)
            except ValidationError as exc:
                _nip_attempt_failed(request)
                apply_service_error(form, exc)
                status = 400
            else:
                return redirect("pakta-public:done", token=download_token(pakta))
        return render(
            request,
            "pencanangan/public_sign.html",
            {"pegawai": pegawai, "cycle": cycle, "text": text, "form": form, "instansi": pegawai.instansi},
            status=status,
        )


@never_cache
@require_GET
def done(request: HttpRequest, token: str) -> HttpResponse:
    pakta = _pakta_from_download_token(token)
    return render(
        request, "pencanangan/public_done.html", {"pakta": pakta, "token": token, "verify_url": verify_url(pakta)}
    )


@never_cache
@require_GET
def download(request: HttpRequest, token: str) -> HttpResponse:
    pakta = _pakta_from_download_token(token)
    with scope(pakta.instansi_id):
        response = _pdf_response(pakta)
        audit_download(actor=None, verb="pakta.download_public", obj=pakta)
    response["Content-Disposition"] = f'attachment; filename="{pakta_pdf_filename(pakta)}"'
    return response


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("pakta-public:verify-code", code="".join(form.cleaned_data["code"].upper().split()))
    return render(request, "pencanangan/public_verify.html", {"form": form})


@require_GET
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    pakta = selectors.pakta_verify_lookup(code)
    context: dict[str, Any] = {"form": VerifyForm(initial={"code": code}), "code": code, "pakta": pakta}
    return render(request, "pencanangan/public_verify.html", context, status=200 if pakta else 404)
