"""A real ClamAV daemon for the upload-scanning tests (no mock of the scanner).

``clamd`` starts Debian's ``/usr/sbin/clamd`` once per run (``scripts/ensure_clamav.sh``, run by
``make test``, installs it) on a local signature database: signature downloads (freshclam) are not
available here, so the database holds one body signature, for the EICAR anti-virus test string,
matched anywhere in a file of any type (a PDF carrying the string is caught too). It listens on a
Unix socket and on a TCP port of 127.0.0.1, the two forms ``ZI_CLAMAV_SOCKET`` takes.

``clamav_scanning`` turns scanning on for one test (``settings.ZI_CLAMAV_SOCKET``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from apps.bukti_dukung.scanning import ping

# The EICAR anti-virus test file: harmless, and detected by every scanner as a "virus" by agreement.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "ZI.Test.EICAR"
CLAMD = os.environ.get("ZI_CLAMD", "/usr/sbin/clamd")


@dataclass(frozen=True)
class Clamd:
    socket_path: str
    tcp_address: str
    log: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def clamd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clamd]:
    if not os.access(CLAMD, os.X_OK):
        pytest.fail(f"ClamAV's daemon is missing at {CLAMD}: run scripts/ensure_clamav.sh (make test does).")
    base = tmp_path_factory.mktemp("clamd")
    database = base / "db"
    database.mkdir()
    # .ndb body signature: name, target type 0 (any file), offset * (anywhere), the bytes in hex.
    (database / "zi-test.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n", encoding="ascii")
    sock, port, log = base / "clamd.sock", _free_port(), base / "clamd.log"
    config = base / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                "Foreground yes",
                f"LocalSocket {sock}",
                f"TCPSocket {port}",
                "TCPAddr 127.0.0.1",
                f"DatabaseDirectory {database}",
                f"LogFile {log}",
                "StreamMaxLength 64M",
                "",
            ]
        ),
        encoding="ascii",
    )
    process = subprocess.Popen(  # noqa: S603 (Debian's clamd with our own config)
        [CLAMD, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while not (ping(address=str(sock)) and ping(address=f"127.0.0.1:{port}")):
            if process.poll() is not None or time.monotonic() > deadline:
                text = log.read_text(errors="replace") if log.exists() else "(no log)"
                pytest.fail(f"clamd did not start (exit {process.poll()}):\n{text[-2000:]}")
            time.sleep(0.1)
        yield Clamd(socket_path=str(sock), tcp_address=f"127.0.0.1:{port}", log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def clamav_scanning(clamd: Clamd, settings: Any) -> Clamd:
    """Uploads in this test are scanned by the real clamd (over its Unix socket)."""
    settings.ZI_CLAMAV_SOCKET = clamd.socket_path
    return clamd
