"""A real SMTP server for fault drills: it accepts mail like a relay and can *hold* one answer.

``hold="data"`` keeps the sender waiting for the answer to the message itself (the mail is not
accepted yet: a worker killed then has sent nothing); ``hold="quit"`` accepts the message (250) and
keeps the sender waiting at QUIT (a worker killed then has sent the mail but not marked its row).
Only the next held connection waits; later ones are served at once.
"""

from __future__ import annotations

import contextlib
import email
import socket
import socketserver
import threading
from dataclasses import dataclass, field
from email.message import Message


@dataclass
class Caught:
    accepted: list[Message] = field(default_factory=list)
    unconfirmed: list[Message] = field(default_factory=list)  # received, but the sender died before the 250


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def _reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())
        self.wfile.flush()

    def _peer_gone(self) -> bool:
        sock = self.connection
        sock.setblocking(False)
        try:
            return sock.recv(1, socket.MSG_PEEK) == b""
        except BlockingIOError:
            return False
        except OSError:
            return True
        finally:
            sock.setblocking(True)

    def _hold(self, stage: str) -> bool:
        """Wait at ``stage`` when this is the connection to hold, until released or until the peer
        dies; returns False when the peer is gone."""
        catcher = self.server.catcher
        with catcher.lock:
            hold = catcher.hold == stage and not catcher.holding
            if hold:
                catcher.holding = True
        if not hold:
            return True
        catcher.held.set()
        while not catcher.release.wait(timeout=0.05):
            if self._peer_gone():
                return False
        return not self._peer_gone()

    def handle(self) -> None:
        with contextlib.suppress(OSError):
            self._converse()

    def _converse(self) -> None:
        catcher = self.server.catcher
        self._reply("220 zi-fault-smtp ready")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self._reply("250 zi-fault-smtp")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self._reply("250 OK")
            elif command == "DATA":
                self._reply("354 go ahead")
                chunks: list[bytes] = []
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    chunks.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                message = email.message_from_bytes(b"".join(chunks))
                with catcher.lock:
                    catcher.caught.unconfirmed.append(message)
                if not self._hold("data"):
                    return  # the sender died waiting: the mail stays unconfirmed
                self._reply("250 queued")
                with catcher.lock:
                    catcher.caught.unconfirmed.remove(message)
                    catcher.caught.accepted.append(message)
            elif command == "QUIT":
                if self._hold("quit"):
                    self._reply("221 bye")
                return
            else:
                self._reply("502 not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    catcher: SmtpCatcher


class SmtpCatcher:
    def __init__(self, *, hold: str | None = None) -> None:
        self.hold = hold
        self.holding = False
        self.held = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.caught = Caught()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.catcher = self
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SmtpCatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()

    def accepted(self) -> list[Message]:
        with self.lock:
            return list(self.caught.accepted)

    def unconfirmed(self) -> list[Message]:
        with self.lock:
            return list(self.caught.unconfirmed)
