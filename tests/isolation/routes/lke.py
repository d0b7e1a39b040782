"""Isolation entries for the LKE instrument (global reference data: no tenant rows, no TenantModel)."""

from __future__ import annotations

EXEMPT_ROUTES = {
    "lke:template-list": "global reference data, no tenant rows",
    "lke:template-detail": "global reference data, no tenant rows",
}
