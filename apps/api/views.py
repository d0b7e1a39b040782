"""The OpenAPI schema and its documentation pages, served from local assets only."""

from __future__ import annotations

from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

# Swagger UI sets styles from its own script: allow inline style attributes on this page only.
DOCS_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 document; public, like the contract it describes (no data in it)."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []


@method_decorator(csp_override(DOCS_CSP), name="dispatch")
class DocsView(SpectacularSwaggerSplitView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    template_name = "api/swagger_ui.html"
