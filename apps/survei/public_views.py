"""The public answering page: no login, phone-first, a plain form (no JavaScript).

Defences, in order: the rate limit per address (429), the service link (404), the open period,
the device cookie (one answer per device per survey), a form token bound to that device and
survey (a replayed or forged post is refused), a honeypot field, then the service's own checks.
Every refusal shows a clear message and stores nothing.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from apps.core.errors import DomainError
from apps.survei import selectors, services, throttle
from apps.survei.instrument import SPAK, SPKP, JenisKelamin, Pekerjaan, Pendidikan, Skala, Usia
from apps.survei.models import Layanan, Survei
from apps.tenancy.scope import scope

DEVICE_COOKIE = "zi_survei_perangkat"
DEVICE_SALT = "zi.survei.device-cookie"
DEVICE_MAX_AGE = 400 * 86400  # browsers cap cookie lifetimes at 400 days
FORM_SALT = "zi.survei.form"
FORM_MAX_AGE = 3 * 3600
HONEYPOT = "situs_web"

TOO_MANY = _("Too many attempts from your network. Please try again in %(minutes)s minutes.")
NOT_FOUND = _("This survey link is not valid or no longer used. Check the link or scan the QR code again.")
FORM_EXPIRED = _("The form has expired or was not opened on this device. Open the survey link again and answer.")
REJECTED = _("The form could not be accepted. Open the survey link again and answer.")
FORM_ERRORS = _("Some answers are missing or not valid. Please check the marked statements.")

PROFILE_FIELDS = [
    ("usia", _("Age"), Usia.choices),
    ("jenis_kelamin", _("Sex"), JenisKelamin.choices),
    ("pendidikan", _("Education"), Pendidikan.choices),
    ("pekerjaan", _("Occupation"), Pekerjaan.choices),
]


def _message(request: HttpRequest, message: Any, *, status: int = 200, title: Any = "", **extra: Any) -> HttpResponse:
    return render(request, "survei/public_message.html", {"message": message, "title": title, **extra}, status=status)


def _too_many(request: HttpRequest, verdict: throttle.Verdict) -> HttpResponse:
    minutes = max(1, -(-verdict.retry_after // 60))
    response = _message(request, TOO_MANY % {"minutes": minutes}, status=429, title=_("Please wait"))
    response.headers["Retry-After"] = str(verdict.retry_after)
    return response


def _device_id(request: HttpRequest) -> str | None:
    value = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    return value if value and len(value) <= 64 else None


def _set_device(response: HttpResponse, device_id: str) -> HttpResponse:
    response.set_signed_cookie(
        DEVICE_COOKIE,
        device_id,
        salt=DEVICE_SALT,
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.ZI_HTTPS,
    )
    return response


def _form_token(survei: Survei, device_id: str) -> str:
    return signing.dumps({"s": survei.public_id.hex, "d": device_id}, salt=FORM_SALT, compress=True)


def _form_token_ok(raw: str, survei: Survei, device_id: str) -> bool:
    try:
        data = signing.loads(raw or "", salt=FORM_SALT, max_age=FORM_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return False
    return isinstance(data, dict) and data.get("s") == survei.public_id.hex and data.get("d") == device_id


def _render_form(
    request: HttpRequest,
    *,
    layanan: Layanan,
    survei: Survei,
    device_id: str,
    values: dict[str, Any] | None = None,
    errors: dict[str, Any] | None = None,
    non_field: Any = None,
    status: int = 200,
) -> HttpResponse:
    values = values or {}
    errors = errors or {}

    def rows(statements: Any) -> list[dict[str, Any]]:
        return [{"p": p, "value": str(values.get(p.code, "")), "error": errors.get(p.code)} for p in statements]

    profile = [
        {"name": name, "label": label, "choices": choices, "value": values.get(name, ""), "error": errors.get(name)}
        for name, label, choices in PROFILE_FIELDS
    ]
    response = render(
        request,
        "survei/public_form.html",
        {
            "layanan": layanan,
            "survei": survei,
            "unit": layanan.unit,
            "spkp": rows(SPKP),
            "spak": rows(SPAK),
            "scale": Skala.choices,
            "profile": profile,
            "form_token": _form_token(survei, device_id),
            "honeypot": HONEYPOT,
            "non_field": non_field or (FORM_ERRORS if errors else None),
        },
        status=status,
    )
    return _set_device(response, device_id)


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    verdict = throttle.hit(request, "submit" if request.method == "POST" else "view")
    if not verdict.allowed:
        return _too_many(request, verdict)
    layanan = selectors.layanan_by_token_public(token=token)
    if layanan is None:
        return _message(request, NOT_FOUND, status=404, title=_("Survey not found"))
    # The public page works in the service's instansi, whoever (if anyone) is logged in.
    with scope(layanan.instansi_id):
        survei = selectors.survei_open_for(layanan=layanan)
        if survei is None:
            return _message(request, services.NOT_OPEN, title=layanan.unit.name)
        device_id = _device_id(request)
        if request.method == "GET":
            device_id = device_id or secrets.token_urlsafe(24)
            if services.device_has_answered(survei=survei, device_id=device_id):
                return _set_device(_message(request, services.ALREADY_ANSWERED, title=layanan.unit.name), device_id)
            return _render_form(request, layanan=layanan, survei=survei, device_id=device_id)
        return _submit(request, layanan=layanan, survei=survei, device_id=device_id)


def _submit(request: HttpRequest, *, layanan: Layanan, survei: Survei, device_id: str | None) -> HttpResponse:
    if request.POST.get(HONEYPOT):
        return _message(request, REJECTED, status=400, title=layanan.unit.name)
    if not device_id:
        return _message(request, services.NO_DEVICE, status=400, title=layanan.unit.name)
    if not _form_token_ok(request.POST.get("form_token", ""), survei, device_id):
        return _message(request, FORM_EXPIRED, status=400, title=layanan.unit.name)
    answers = {key: request.POST.get(key) for key in request.POST if key.startswith(("spkp", "spak"))}
    profile = {name: request.POST.get(name, "") for name, _label, _choices in PROFILE_FIELDS}
    try:
        services.respons_submit(survei=survei, layanan=layanan, device_id=device_id, answers=answers, profile=profile)
    except ValidationError as exc:
        errors = {k: v[0] for k, v in exc.message_dict.items()} if hasattr(exc, "error_dict") else {}
        non_field = None if errors else " ".join(exc.messages)
        return _render_form(
            request,
            layanan=layanan,
            survei=survei,
            device_id=device_id,
            values={**answers, **profile},
            errors=errors,
            non_field=non_field,
            status=400,
        )
    except services.AlreadyAnswered as exc:
        return _message(request, str(exc), status=409, title=layanan.unit.name)
    except DomainError as exc:
        return _message(request, str(exc), status=400, title=layanan.unit.name)
    return redirect("survei_public:thanks", token=layanan.token)


@never_cache
@require_http_methods(["GET"])
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    return _message(
        request,
        _("Your answers have been saved. Thank you for helping us improve our service."),
        title=_("Thank you!"),
        done=True,
    )
