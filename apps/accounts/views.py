"""Account pages of our own (allauth provides login, logout, reset and MFA)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def mfa_required(request: HttpRequest) -> HttpResponse:
    """Explains why the person must enrol a second factor before going on."""
    return render(request, "accounts/mfa_required.html")
