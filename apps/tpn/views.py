"""The national user's own API tokens: list, create (shown once), revoke. MFA is already enforced
for national roles by the middleware before any page is reached."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from apps.core.errors import DomainError
from apps.tenancy.decorators import national_required
from apps.tpn.access import access_api_token
from apps.tpn.forms import ApiTokenForm
from apps.tpn.selectors import api_tokens_for
from apps.tpn.services import api_token_issue, api_token_revoke

TOKEN_REVOKED = _("The token was revoked.")


@national_required
@never_cache
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = api_token_issue(user=request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            return render(request, "tpn/token_created.html", {"raw_token": issued.raw, "token": issued.token})
    tokens = api_tokens_for(user=request.user)
    return render(request, "tpn/token_list.html", {"form": form, "tokens": tokens}, status=422 if form.errors else 200)


@national_required
@require_POST
def token_revoke(request: HttpRequest, public_id: object) -> HttpResponse:
    token = access_api_token(request.user, public_id)
    try:
        api_token_revoke(user=request.user, token=token)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, TOKEN_REVOKED)
    return redirect("tpn:token-list")
