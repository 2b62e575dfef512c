"""The OpenAPI document: valid OpenAPI 3, every endpoint, the error schema, bearer security."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

ENDPOINTS = {
    "/api/v1/municipalities": {"get"},
    "/api/v1/municipalities/{code}": {"get"},
    "/api/v1/areas": {"get"},
    "/api/v1/areas/{slug}": {"get"},
    "/api/v1/agreements": {"get", "post"},
    "/api/v1/agreements/{agreement_id}": {"get", "patch"},
    "/api/v1/me": {"get"},
}


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_document_is_valid_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    validate(spec)


def test_every_endpoint_is_documented(spec):
    for path, methods in ENDPOINTS.items():
        assert path in spec["paths"], path
        assert methods <= set(spec["paths"][path]), path


def _resolve(spec, node):
    while "$ref" in node:
        *_, section, name = node["$ref"].split("/")
        node = spec["components"][section][name]
    return node


def test_every_operation_documents_its_errors_with_the_error_schema(spec):
    for path, methods in ENDPOINTS.items():
        for method in methods:
            responses = spec["paths"][path][method]["responses"]
            assert "401" in responses, (path, method)
            for status, response in responses.items():
                if status.startswith("2"):
                    continue
                schema = _resolve(spec, response)["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (path, method, status)


def test_error_schema_and_security(spec):
    error = spec["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"error", "message", "fields"}
    assert {"current", "current_version"} <= set(error["properties"])
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    assert spec["security"] == [{"bearerAuth": []}]


def test_writes_document_their_bodies_and_failures(spec):
    post = spec["paths"]["/api/v1/agreements"]["post"]
    patch = spec["paths"]["/api/v1/agreements/{agreement_id}"]["patch"]
    assert {"201", "403", "422"} <= set(post["responses"])
    assert "Location" in post["responses"]["201"]["headers"]
    assert {"200", "403", "404", "409", "422"} <= set(patch["responses"])
    create = spec["components"]["schemas"]["AgreementCreate"]
    assert {"title", "form", "areas", "parties"} <= set(create["required"])
    assert spec["components"]["schemas"]["AgreementPatch"]["required"] == ["version"]
    params = {p["name"] for p in spec["paths"]["/api/v1/agreements"]["get"]["parameters"]}
    assert {
        "municipality",
        "form",
        "area",
        "phase",
        "q",
        "role",
        "sort",
        "page",
        "per_page",
    } <= params
