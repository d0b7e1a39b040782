"""Isolation entries for the national read-only web view (apps.nasional). It holds no tenant model."""

from __future__ import annotations

_NATIONAL = "national read-only view: tenant members get 403, proven in tests/nasional"

EXEMPT_ROUTES = {
    "nasional:dashboard": _NATIONAL,
    "nasional:pengusulan-list": _NATIONAL,
    "nasional:pengusulan-detail": _NATIONAL,
    "nasional:unit-detail": _NATIONAL,
}
