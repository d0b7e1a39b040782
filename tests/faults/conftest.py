"""Fault drills: real workers killed with SIGKILL, a Redis of the test's own, a real SMTP server."""

from tests.outbox.conftest import own_broker

__all__ = ["own_broker"]
