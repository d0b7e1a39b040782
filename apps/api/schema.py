"""OpenAPI post-processing: every operation documents the answers of the API edges
(``apps/api/edges.py``, ``apps/api/parsers.py``) and of a missing database, in its API's error body,
and every free-text parameter says that it takes no NUL character (the edges refuse it with a 400)."""

from __future__ import annotations

from typing import Any

EDGE_RESPONSES = {
    "400": "Malformed request: a NUL character, or JSON nested too deeply.",
    "413": "The request body is larger than the server accepts.",
    "414": "The path or the query string is too long.",
    "503": "The service is temporarily unavailable (its database cannot be reached); see Retry-After.",
}
# Every /api/v1/ operation is rate-limited per token (ZI_NATIONAL_API_RATE), whichever view serves it.
NATIONAL_RESPONSES = {"429": "Rate limit of the token exceeded; see Retry-After."}


NO_NUL = "^[^\\x00]*$"


def add_edge_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    for path, operations in result.get("paths", {}).items():
        error = "NationalError" if path.startswith("/api/v1/") else "Error"
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if schema.get("type") == "string" and not ({"pattern", "format", "enum"} & set(schema)):
                    schema["pattern"] = NO_NUL
            responses = operation.setdefault("responses", {})
            edges = {**EDGE_RESPONSES, **NATIONAL_RESPONSES} if error == "NationalError" else EDGE_RESPONSES
            for status, description in edges.items():
                responses.setdefault(
                    status,
                    {
                        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{error}"}}},
                        "description": description,
                    },
                )
    return result
