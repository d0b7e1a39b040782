"""How a stored file leaves ZI: the one helper every download view calls AFTER its access check.

On the local disk (the embedded default, ``ZI_STORAGE=local``) the file is streamed by this process.
On an S3-compatible store (``ZI_STORAGE=s3``) the response is a redirect to a presigned URL of that
one object, valid ``ZI_S3_URL_SECONDS`` (a minute by default), which names the download's file name
and type and forbids caching: the web node does not carry the bytes, and the link is useless to
anyone who finds it later. ``stream=True`` keeps a file on our origin whatever the store (the
sandboxed inline preview, whose CSP headers only we can set).

A row whose object is missing from the store is a 404, never a 500 or a dangling redirect.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header


def file_response(
    file: FieldFile, *, filename: str, content_type: str, as_attachment: bool = True, stream: bool = False
) -> HttpResponse:
    if not file:
        raise Http404
    response: HttpResponse
    if stream or isinstance(file.storage, FileSystemStorage):
        try:
            handle = file.open("rb")
        except FileNotFoundError as exc:  # the row exists but storage lost the file
            raise Http404 from exc
        response = FileResponse(handle, as_attachment=as_attachment, filename=filename, content_type=content_type)
    else:
        if not file.storage.exists(file.name):
            raise Http404
        disposition = content_disposition_header(as_attachment, filename) or "attachment"
        url = file.storage.url(  # type: ignore[call-arg]
            file.name,
            parameters={
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
                "ResponseCacheControl": "private, no-store",
            },
            expire=settings.ZI_S3_URL_SECONDS,
        )
        response = HttpResponseRedirect(url)
        response["Referrer-Policy"] = "no-referrer"  # the signed URL is not passed on
    response["X-Content-Type-Options"] = "nosniff"
    # Files may hold personal data (names, NIP): never kept by shared caches.
    patch_cache_control(response, private=True, no_store=True)
    return response
