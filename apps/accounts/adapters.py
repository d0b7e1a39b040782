"""allauth adapter: accounts are created by an admin ZI (invitation), never by open sign-up; every
link in an account email is built from SITE_URL, never from the request's Host header (issue 18: a
forged Host must not put an attacker's address in a reset link)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


def site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_url(path.replace("UID-KEY", quote(key)))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Any other absolute link allauth built from the request (e.g. "request a new reset") is
        # moved onto SITE_URL as well.
        request = getattr(self, "request", None)
        if request is not None:
            try:
                origin = request.build_absolute_uri("/").rstrip("/")
            except Exception:  # a Host Django refuses: nothing was built from it either
                origin = ""
            if origin and origin != settings.SITE_URL:
                for name, value in list(context.items()):
                    if isinstance(value, str) and value.startswith(origin + "/"):
                        context[name] = site_url(value[len(origin) :])
        # The greeting names the site: ours, not whatever Host the request carried.
        context.setdefault("current_site", _SiteOfSiteUrl())
        super().send_mail(template_prefix, email, context)


class _SiteOfSiteUrl:
    """What allauth's email templates read of ``current_site``, taken from SITE_URL."""

    @property
    def domain(self) -> str:
        return urlsplit(settings.SITE_URL).netloc

    @property
    def name(self) -> str:
        return urlsplit(settings.SITE_URL).netloc
