"""Language selection (Bahasa Indonesia unless the person chose English), and no caching of what a
signed-in person sees.

Django's LocaleMiddleware would follow the browser's Accept-Language; ZI is Indonesian first, so
only an explicit choice (the language cookie, or the user's saved preference) switches language.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control

_SUPPORTED = {code for code, _name in settings.LANGUAGES}


def chosen_language(request: HttpRequest) -> str:
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in _SUPPORTED:
        return cookie
    user = getattr(request, "user", None)
    preferred = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
    if preferred in _SUPPORTED:
        return preferred
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]  # Django's own convention
        # override() restores whatever language was active before, rather than the default.
        with translation.override(language):
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", language)
            return response


class NoStoreWhenSignedInMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in person (issue 18): pages,
    fragments, downloads and exports hold personal data that neither a shared cache nor the browser's
    back-button cache may keep. Anonymous pages (login, public survey, static files) keep their own
    caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        response = self.get_response(request)
        if signed_in:
            # Exactly ``private, no-store``, the value downloads (apps.core.files.file_response, the
            # presigned URLs) and exports send too: no-store already forbids keeping any copy, so
            # no-cache/max-age=0 would add nothing but a second spelling of the rule.
            patch_cache_control(response, private=True, no_store=True)
        return response


class DemoSiteUrlMiddleware:
    """The embedded demo only (``ZI_SITE_URL_FROM_REQUEST``): SITE_URL follows the address the demo
    is actually served on, so links in mails, PDFs and QR codes work on another port or host. The
    host was already checked against ALLOWED_HOSTS. Production sets SITE_URL (zi.E007)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.ZI_SITE_URL_FROM_REQUEST:
            served = f"{request.scheme}://{request.get_host()}"
            if served != settings.SITE_URL:
                settings.SITE_URL = served
        return self.get_response(request)
