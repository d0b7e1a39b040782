"""Virus scanning of uploads by ClamAV's daemon, clamd (ASVS V5.2, issue 8 item 4).

``ZI_CLAMAV_SOCKET`` names clamd: a Unix socket path (``/run/clamav/clamd.ctl``) or ``host:port``
over TCP (``clamav:3310``). When it is set and clamd cannot be reached, answers an error or times
out, the upload is refused (fail closed) with a message saying so. Empty means no scanner, and then
uploads are refused too (at run time, not only by ``check --deploy``'s ``zi.E009``) — unless the
settings accept unscanned files (``ZI_ALLOW_UNSCANNED``: the embedded demo, where ``DEBUG`` is on and
every page says that uploads are not scanned, and the tests that do not start clamd).

The client speaks clamd's INSTREAM command directly (the protocol is a few lines; the PyPI clients
are unmaintained): ``zINSTREAM\\0``, then chunks each preceded by its length as a 4-byte big-endian
integer, a zero-length chunk to end; the reply is ``stream: OK``, ``stream: <signature> FOUND`` or
``… ERROR``, terminated by NUL.

An infected file is refused and logged on the ``zi.security`` logger with its signature name,
SHA-256, size and the instansi; nothing is stored (the callers scan before they write anything).
"""

from __future__ import annotations

import hashlib
import logging
import socket
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from apps.tenancy.scope import current_scope

logger = logging.getLogger("zi.security")

FILE_INFECTED = _("The file contains a virus or malware (%(signature)s) and was refused. Nothing was stored.")
SCANNER_UNAVAILABLE = _(
    "The virus scanner cannot be reached, so uploads are refused for now. Nothing was stored. "
    "Try again in a few minutes, or tell the administrator."
)

SCANNER_NOT_CONFIGURED = _(
    "Uploads are refused: no virus scanner is configured on this server. Nothing was stored. "
    "Tell the administrator (ZI_CLAMAV_SOCKET must name the ClamAV daemon)."
)

_CHUNK = 64 * 1024
# The chunk size we send; clamd's StreamMaxLength must be at least ZI_UPLOAD_MAX_BYTES.
_REPLY_LIMIT = 4096


class ScannerError(Exception):
    """clamd could not give a verdict (unreachable, timeout, protocol or size error)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    clean: bool
    signature: str = ""


def scanning_enabled() -> bool:
    return bool(getattr(settings, "ZI_CLAMAV_SOCKET", ""))


def unscanned_allowed() -> bool:
    """No scanner and files accepted anyway: only the embedded demo and the tests say so."""
    return not scanning_enabled() and bool(getattr(settings, "ZI_ALLOW_UNSCANNED", False))


def scanner_status() -> str:
    """For the health endpoint: ``ok``, ``off: …`` (the embedded mode) or ``refusing uploads: …``."""
    if not scanning_enabled():
        if unscanned_allowed():
            return "off: uploads are not scanned (embedded mode)"
        return "refusing uploads: no virus scanner configured (ZI_CLAMAV_SOCKET)"
    if not ping(timeout=2.0):
        return "refusing uploads: the virus scanner (clamd) does not answer"
    return "ok"


def _connect(address: str, timeout: float) -> socket.socket:
    if address.startswith("/"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(address)
        except OSError:
            sock.close()
            raise
        return sock
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        raise ScannerError(f"ZI_CLAMAV_SOCKET must be a socket path or host:port, not {address!r}")
    return socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)


def _read_reply(sock: socket.socket) -> str:
    reply = b""
    while not reply.endswith(b"\0") and len(reply) < _REPLY_LIMIT:
        part = sock.recv(_REPLY_LIMIT)
        if not part:
            break
        reply += part
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def scan_chunks(chunks: Iterable[bytes], *, address: str | None = None, timeout: float | None = None) -> Verdict:
    """Send the bytes to clamd with INSTREAM; return the verdict or raise ScannerError."""
    address = address or settings.ZI_CLAMAV_SOCKET
    timeout = timeout if timeout is not None else float(getattr(settings, "ZI_CLAMAV_TIMEOUT", 60))
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            try:
                for chunk in chunks:
                    if chunk:
                        sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.sendall(struct.pack("!L", 0))
            except (BrokenPipeError, ConnectionResetError):
                pass  # clamd closed early (a size limit): its reply says why
            reply = _read_reply(sock)
    except OSError as exc:  # refused, missing socket, timeout (socket.timeout is an OSError)
        raise ScannerError(f"clamd at {address} is not reachable: {exc}") from exc
    if reply.endswith(" FOUND"):
        signature = reply.removeprefix("stream:").removesuffix(" FOUND").strip()
        return Verdict(clean=False, signature=signature or "unknown")
    if reply == "stream: OK":
        return Verdict(clean=True)
    raise ScannerError(f"clamd at {address} answered {reply!r}")


def ping(*, address: str | None = None, timeout: float = 5.0) -> bool:
    """True when clamd answers PING (health checks and tests)."""
    try:
        with _connect(address or settings.ZI_CLAMAV_SOCKET, timeout) as sock:
            sock.sendall(b"zPING\0")
            return _read_reply(sock) == "PONG"
    except (OSError, ScannerError):
        return False


def _file_chunks(file: UploadedFile) -> Iterable[bytes]:
    file.seek(0)
    yield from file.chunks(_CHUNK)


def scan_upload(file: UploadedFile, *, sha256: str | None = None, actor: Any = None) -> None:
    """Refuse (ValidationError, nothing stored) an infected file, or any file when clamd fails.

    A file that passed once is not sent again (several services validate the same upload before
    storing it): the SHA-256 it passed with is remembered on the file object.
    """
    if not scanning_enabled():
        if unscanned_allowed():
            return
        logger.error("upload_refused_no_scanner %s name=%r", _who(actor), file.name)
        raise ValidationError(SCANNER_NOT_CONFIGURED, code="scanner_not_configured")
    if sha256 is None:
        digest = hashlib.sha256()
        for chunk in _file_chunks(file):
            digest.update(chunk)
        sha256 = digest.hexdigest()
    if getattr(file, "_zi_scanned_clean", None) == sha256:
        file.seek(0)
        return
    try:
        verdict = scan_chunks(_file_chunks(file))
    except ScannerError as exc:
        logger.error("upload_scan_unavailable %s name=%r sha256=%s %s", _who(actor), file.name, sha256, exc)
        raise ValidationError(SCANNER_UNAVAILABLE, code="scanner_unavailable") from exc
    finally:
        file.seek(0)
    if not verdict.clean:
        logger.warning(
            "upload_infected signature=%s %s name=%r sha256=%s size=%s",
            verdict.signature,
            _who(actor),
            file.name,
            sha256,
            file.size,
        )
        raise ValidationError(FILE_INFECTED, code="file_infected", params={"signature": verdict.signature})
    file._zi_scanned_clean = sha256  # type: ignore[union-attr]


def mark_scanned_clean(file: Any, sha256: str) -> None:
    """Say that ``file`` (a copy of an upload that already passed ``scan_upload`` with this SHA-256,
    e.g. read back from storage by a background import) need not be scanned again."""
    file._zi_scanned_clean = sha256


def _who(actor: Any) -> str:
    if actor is not None and getattr(actor, "user", None) is not None:
        return f"instansi={actor.instansi_id} user={getattr(actor.user, 'public_id', actor.user_id)}"
    current = current_scope()
    return f"instansi={current.instansi_id if current else '-'} user=-"


UNSCANNED_NOTICE = _("Demo mode: uploaded files are not scanned for viruses.")


def unscanned_notice() -> str | None:
    """For the banner of every page (apps.core.hooks): the demo accepts files without a scan."""
    return str(UNSCANNED_NOTICE) if settings.DEBUG and unscanned_allowed() else None


def scanner_health() -> tuple[str, bool]:
    """For ``/health/`` (apps.core.hooks): the scanner's status; refusing uploads is degraded."""
    status = scanner_status()
    return status, status.startswith("refusing")
