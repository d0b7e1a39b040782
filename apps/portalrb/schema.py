"""drf-spectacular: the PortalRB bearer token as an OpenAPI security scheme (imported by views)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class PortalRBTokenScheme(OpenApiAuthenticationExtension):
    target_class = "apps.portalrb.auth.PortalRBTokenAuthentication"
    name = "portalrbToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "One token per instansi, issued by its admin ZI (prefix zi_prb_).",
        }
