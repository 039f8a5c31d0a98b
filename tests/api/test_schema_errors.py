"""The served schema documents every refusal by what an operation is (pipelines.api.schema);
tests/api/test_schema_contract.py checks the answers against it."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def json_schema(operation: dict, status: str) -> dict:
    return operation["responses"][status]["content"]["application/json"]["schema"]


def test_every_operation_documents_who_may_call_it(schema):
    for label, operation in operations(schema):
        assert {"401", "403"} <= operation["responses"].keys(), label


def test_one_object_and_a_page_past_the_end_are_404(schema):
    for label, operation in operations(schema):
        names = {p["name"] for p in operation.get("parameters", [])}
        if "{" in label or "page" in names:
            assert "404" in operation["responses"], label


def test_every_write_documents_its_field_errors(schema):
    refs = {"$ref": "#/components/schemas/FieldErrors"}, {"$ref": "#/components/schemas/Detail"}
    for label, operation in operations(schema):
        if label.startswith(("POST", "PUT", "PATCH")) and "/ingest/" not in label:
            assert all(ref in json_schema(operation, "400")["anyOf"] for ref in refs), label
    field_errors = schema["components"]["schemas"]["FieldErrors"]
    assert field_errors["additionalProperties"]["oneOf"][0] == {
        "type": "array",
        "items": {"type": "string"},
    }


def test_a_write_that_names_a_rev_documents_409_with_the_current_rev(schema):
    paths = schema["paths"]
    for label, operation in [
        ("PATCH", paths["/api/events/{id}/"]["patch"]),
        ("DELETE", paths["/api/components/{id}/"]["delete"]),
        ("update", paths["/api/pipelines/{id}/update/"]["post"]),
        ("restore", paths["/api/pipelines/{id}/versions/{number}/restore/"]["post"]),
    ]:
        assert json_schema(operation, "409") == {"$ref": "#/components/schemas/Conflict"}, label
    conflict = schema["components"]["schemas"]["Conflict"]
    assert set(conflict["required"]) == {"detail", "rev"}
    delete = paths["/api/components/{id}/"]["delete"]
    assert {"name": "rev", "in": "query"}.items() <= delete["parameters"][-1].items()


def test_a_throttled_operation_documents_429_with_retry_after(schema):
    token = schema["paths"]["/api/components/{id}/token/"]["post"]["responses"]
    assert token["429"]["headers"]["Retry-After"]["required"] is True
    assert token["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/StreamToken"
    }


def test_update_pipeline_documents_its_graph_errors_and_kafka_being_down(schema):
    update = schema["paths"]["/api/pipelines/{id}/update/"]["post"]
    assert {"$ref": "#/components/schemas/PipelineInvalid"} in json_schema(update, "400")["anyOf"]
    assert json_schema(update, "503") == {"$ref": "#/components/schemas/Detail"}
    assert json_schema(update, "200") == {"$ref": "#/components/schemas/DeployResult"}


def test_api_ingestion_is_documented_with_every_refusal(schema):
    ingest = schema["paths"]["/api/ingest/{ingestion_id}/"]["post"]
    assert set(ingest["responses"]) == {
        *("202", "400", "401", "403", "404", "409", "413", "415", "429", "503"),
    }
    assert ingest["security"] == [{"ingestionSecret": []}, {"ingestionBearer": []}]
    assert "`max_records`, 1000 by default" in ingest["description"]


def test_extra_actions_take_no_body_unless_they_say_so(schema):
    paths = schema["paths"]
    assert "requestBody" not in paths["/api/pipelines/{id}/activate/"]["post"]
    assert "requestBody" not in paths["/api/components/{id}/token/"]["post"]
    assert "requestBody" in paths["/api/pipelines/{id}/update/"]["post"]
