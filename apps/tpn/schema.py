"""drf-spectacular: the national personal token as an OpenAPI security scheme (imported by the views)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class NationalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "apps.tpn.auth.NationalTokenAuthentication"
    name = "nationalToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token of a KemenPANRB or TPN account (prefix zi_tpn_), created on "
            "the account's API token page or with `manage.py api_token <email>`.",
        }
