"""An upload handler that stops storing a file at the size limit (issue 18).

Django's own handlers keep a file in memory up to ``FILE_UPLOAD_MAX_MEMORY_SIZE`` and then spool
the *whole* file to a temporary file — a 300 MB upload was written to disk before any size check ran.
This handler runs first: it counts each file's bytes as they stream in and, past
``ZI_UPLOAD_MAX_BYTES`` (the largest upload any form accepts), passes nothing more to the handlers
behind it. The rest of the body is read from the socket and dropped, never stored. The form then
receives a stand-in file that is empty but reports the size counted, so every existing size check
(evidence, imports, the LKE workbook) refuses it with its own Indonesian message.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizeUpload(InMemoryUploadedFile):
    """What a file over the limit becomes: no content, ``size`` the bytes counted so far."""


class BoundedUploadHandler(FileUploadHandler):
    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0
        self.over = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.over = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > int(settings.ZI_UPLOAD_MAX_BYTES):
            self.over = True
            return None  # the handlers behind this one get nothing more of this file
        return raw_data

    def file_complete(self, file_size: int) -> OversizeUpload | None:
        if not self.over:
            return None  # the next handler (memory or temporary file) returns the file
        return OversizeUpload(
            io.BytesIO(b""), self.field_name, self.file_name, self.content_type, self.received, self.charset
        )
