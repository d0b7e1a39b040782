"""The API's shared plumbing: the OpenAPI document, local docs, one error format everywhere."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from apps.api.errors import exception_handler
from apps.core.errors import ConflictError, WindowClosed
from apps.core.views import server_error


@pytest.mark.django_db
def test_schema_is_openapi_3() -> None:
    response = Client().get(reverse("api:schema"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "ZI API"


@pytest.mark.django_db
def test_docs_page_uses_local_assets_only() -> None:
    page = Client().get(reverse("api:docs")).content.decode()
    assert "swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert "<script>" not in page
    script = Client().get(reverse("api:docs") + "?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


@pytest.mark.django_db
def test_unknown_api_path_is_a_json_404_in_the_contract_format() -> None:
    response = Client().get("/api/tidak-ada/")
    assert response.status_code == 404
    assert response.json() == {"error": True, "code": "DATA_NOT_FOUND", "message": response.json()["message"]}
    assert response.json()["message"]


@pytest.mark.django_db
def test_html_404_stays_html() -> None:
    response = Client().get("/tidak-ada/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_unhandled_error_under_api_is_json_500(rf) -> None:
    response = server_error(rf.get("/api/portalrb/pengusulan/unit-wbk"))
    assert response.status_code == 500
    body = json.loads(response.content)
    assert body["error"] is True
    assert body["code"] == "SERVER_ERROR"


def test_exception_handler_maps_domain_errors() -> None:
    response = exception_handler(ValidationError({"tahun": ["wajib"]}), {})
    assert response.status_code == 422
    assert response.data["fields"] == {"tahun": ["wajib"]}
    assert exception_handler(ConflictError(), {}).status_code == 409
    closed = exception_handler(WindowClosed(), {})
    assert (closed.status_code, closed.data["code"]) == (422, "WINDOW_CLOSED")


def test_openapi_document_is_valid_without_warnings(tmp_path) -> None:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    for path in ("/api/portalrb/pengusulan/unit-wbk", "/api/v1/pengusulan/"):
        assert path in text
