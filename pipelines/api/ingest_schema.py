"""`POST /api/ingest/<ingestion_id>/` in the OpenAPI schema.

API Ingestion is a plain Django view (pipelines.api.ingest: no DRF authentication, parsers or
content negotiation), which drf-spectacular does not see; this postprocessing hook adds it.
"""

from __future__ import annotations

from pipelines.types.api_ingestion import (
    DEFAULT_MAX_RECORDS,
    JSON_MAX_DEPTH,
    MAX_RECORDS_LIMIT,
    ApiIngestionMetaForm,
)

PATH = "/api/ingest/{ingestion_id}/"
DETAIL = {"$ref": "#/components/schemas/Detail"}
RECORD = {"type": "object", "additionalProperties": True, "description": "One record."}
SECURITY_SCHEMES = {
    "ingestionSecret": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Ingestion-Secret",
        "description": "The component's Ingestion Secret.",
    },
    "ingestionBearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "The component's Ingestion Secret as a bearer token.",
    },
}


def _refusal(description: str, headers: dict | None = None) -> dict:
    answer = {"description": description, "content": {"application/json": {"schema": DETAIL}}}
    return {**answer, "headers": headers} if headers else answer


def _operation() -> dict:
    max_body_kb = ApiIngestionMetaForm.base_fields["max_body_kb"].initial
    return {
        "operationId": "ingest_create",
        "summary": "Send records to an API Ingestion component",
        "description": (
            "Writes the records to every output event of the component's deployed version, "
            "and answers once Kafka has them all. Limits, per component (its Meta tab): "
            f"the body's size (`max_body_kb`, {max_body_kb} KB by default) and the records "
            f"per request (`max_records`, {DEFAULT_MAX_RECORDS} by default, at most "
            f"{MAX_RECORDS_LIMIT}); JSON nested deeper than {JSON_MAX_DEPTH} levels is refused."
        ),
        "tags": ["ingest"],
        "parameters": [
            {
                "in": "path",
                "name": "ingestion_id",
                "required": True,
                "schema": {"type": "string"},
                "description": "The component's Ingestion ID.",
            }
        ],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "oneOf": [
                            RECORD,
                            {"type": "array", "items": RECORD, "minItems": 1},
                        ]
                    }
                }
            },
        },
        "security": [{"ingestionSecret": []}, {"ingestionBearer": []}],
        "responses": {
            "202": {
                "description": "Kafka has every record.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {"accepted": {"type": "integer", "minimum": 1}},
                            "required": ["accepted"],
                        }
                    }
                },
            },
            "400": _refusal("The body is empty, not JSON, too deep, or not objects."),
            "401": _refusal("No Ingestion Secret was sent."),
            "403": _refusal("The Ingestion Secret is not this component's."),
            "404": _refusal("No API Ingestion component has this Ingestion ID."),
            "409": _refusal("The pipeline is not active."),
            "413": _refusal("The body is larger, or has more records, than the component takes."),
            "415": _refusal("The Content-Type is not application/json."),
            "429": _refusal(
                "Too many requests or bytes for this component: wait Retry-After seconds.",
                {"Retry-After": {"schema": {"type": "integer", "minimum": 0}, "required": True}},
            ),
            "503": _refusal(
                "Kafka did not confirm every record: send them again (some may repeat)"
            ),
        },
    }


def add_ingest_operation(result: dict, generator, request, public) -> dict:
    """drf-spectacular POSTPROCESSING_HOOKS entry."""
    result.setdefault("paths", {})[PATH] = {"post": _operation()}
    result["paths"] = dict(sorted(result["paths"].items()))
    components = result.setdefault("components", {})
    components.setdefault("securitySchemes", {}).update(SECURITY_SCHEMES)
    return result
