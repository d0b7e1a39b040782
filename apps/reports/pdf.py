"""HTML → PDF with WeasyPrint, fetching nothing from the network (DESIGN §8).

Templates link our own static files with ``{% static %}``; relative URLs resolve against
:data:`REPORT_BASE_URL`, a made-up origin under the reserved ``.invalid`` top-level domain (RFC 2606),
so even a bypassed fetcher could not reach a real host. :class:`StaticOnlyURLFetcher` maps that
origin's ``STATIC_URL`` to files on disk and refuses every other URL: remote hosts, ``file:`` paths,
path traversal. A refused resource is left out of the PDF (WeasyPrint logs a warning).
"""

from __future__ import annotations

import logging
import mimetypes
import posixpath
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

# WeasyPrint logs every rendering step at INFO (even while importing); only its warnings matter
# (a refused URL, a missing font). Set before the import below so the import is quiet too.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

import weasyprint  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

logger = logging.getLogger(__name__)

REPORT_BASE_URL = "https://zi-report.invalid/"
REFUSED = "the report renderer only loads ZI's own static files"


class RefusedURL(ValueError):
    """A URL outside our static files; WeasyPrint catches it and leaves the resource out."""


def _static_prefix() -> str:
    static_url = settings.STATIC_URL or "/static/"
    # An absolute STATIC_URL (a CDN) is not supported on purpose: DESIGN §2 forbids CDNs.
    return REPORT_BASE_URL.rstrip("/") + "/" + static_url.lstrip("/")


def static_path_for(url: str) -> Path | None:
    """The file on disk that a report URL names, or None when it is not one of our static files."""
    prefix = _static_prefix()
    if not url.startswith(prefix):
        return None
    relative = unquote(urlsplit(url).path[len(urlsplit(prefix).path) :])
    normalized = posixpath.normpath(relative)
    if relative.startswith("/") or normalized.startswith("..") or "\\" in relative or "\x00" in relative:
        return None
    found = finders.find(normalized)
    if found:
        return Path(found)
    # Production serves hashed, collected files (ZI_STATIC_MANIFEST): look in STATIC_ROOT too.
    if settings.STATIC_ROOT and staticfiles_storage.exists(normalized):
        return Path(staticfiles_storage.path(normalized))
    return None


class StaticOnlyURLFetcher(URLFetcher):
    """Serves ``REPORT_BASE_URL + STATIC_URL`` from disk and ``data:`` URLs; refuses the rest."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)  # decoded in memory by urllib's DataHandler, no I/O
        path = static_path_for(url)
        if path is None:
            logger.warning("report renderer refused %s", url)
            raise RefusedURL(f"{REFUSED}: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def html_to_pdf(html: str) -> bytes:
    """Render one HTML document (already translated and filled) to PDF bytes."""
    document = weasyprint.HTML(string=html, base_url=REPORT_BASE_URL, url_fetcher=StaticOnlyURLFetcher())
    pdf = document.write_pdf()
    if pdf is None:  # only when a target is given, which we never do
        raise RuntimeError("WeasyPrint returned no PDF")
    return pdf
