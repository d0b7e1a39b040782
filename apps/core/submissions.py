"""A form is acted on once, however often it is sent (issue 21: a double click on "Ajukan untuk
verifikasi" saved and mailed, then the second click reported "someone else saved this").

``static/js/zi.js`` gives every POST form of a page a random submission id (``_zi_submit``) when
the page loads. The first request carrying an id claims it in the cache and runs; when it ends in a
redirect (the success of a POST-redirect-GET form), the redirect is remembered for a while. A second
request with the same id — the double click, a resent form — runs nothing: it waits for the first to
finish and gets the same redirect, so the person lands where the first click led, with its message.
A first request that ends in anything else (the form again with its errors) frees the id, so
correcting and sending again works. Works with the shared Redis cache (production) and the
process's local memory (the embedded mode, one process).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

FIELD = "_zi_submit"
_ID = re.compile(r"^[0-9a-f]{32}$")
RUNNING = "running"
REMEMBER_SECONDS = 10 * 60
RUNNING_SECONDS = 2 * 60  # a first request that died never blocks its id for longer
WAIT_SECONDS = 30.0
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _key(request: HttpRequest, submission: str) -> str:
    return f"zi-submit:{request.user.pk}:{submission}"


class SubmitOnceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or request.content_type not in _FORM_TYPES:
            return self.get_response(request)
        submission = request.POST.get(FIELD, "")
        if FIELD in request.POST:
            # Views that read every posted field (report parameters) never see the id.
            data = request.POST.copy()
            del data[FIELD]
            request.POST = data  # type: ignore[misc]
        if not _ID.match(submission) or not request.user.is_authenticated:
            return self.get_response(request)
        key = _key(request, submission)
        if not cache.add(key, RUNNING, timeout=RUNNING_SECONDS):
            return self._replay(request, key)
        try:
            response = self.get_response(request)
        except BaseException:
            cache.delete(key)
            raise
        if isinstance(response, HttpResponseRedirect) and response.status_code == 302:
            cache.set(key, response["Location"], timeout=REMEMBER_SECONDS)
        else:
            cache.delete(key)
        return response

    def _replay(self, request: HttpRequest, key: str) -> HttpResponse:
        """The same submission again: wait for the first to end, then send the person where it led."""
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            outcome = cache.get(key)
            if outcome is None:
                # The first ended without a redirect (its form came back with errors): this one
                # is a new attempt of its own.
                return self.get_response(request)
            if outcome != RUNNING:
                return HttpResponseRedirect(outcome)
            if time.monotonic() > deadline:
                return HttpResponseRedirect(request.headers.get("Referer") or "/")
            time.sleep(0.05)


class ProgressRedirectMiddleware:
    """A form sent by script to show its upload's progress (``X-ZI-Progress: 1``) cannot see a
    redirect (the browser follows it, and the next page's one-time message is used up by the
    script's request): the redirect comes back as ``204`` with ``X-ZI-Location``, and the script
    goes there itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.headers.get("X-ZI-Progress") == "1" and response.status_code in (301, 302, 303):
            replaced = HttpResponse(status=204)
            replaced["X-ZI-Location"] = response["Location"]
            for cookie in response.cookies.values():
                replaced.cookies[cookie.key] = cookie
            return replaced
        return response
