"""`POST /api/ingest/<ingestion_id>/`: API Ingestion's HTTP entry point.

Plain Django view (no session, no CSRF: clients authenticate with the Ingestion Secret).
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from pipelines.exceptions import KafkaUnavailable
from pipelines.models import Component
from pipelines.monitoring import ingest_counters
from pipelines.rules import credentials
from pipelines.runtime import deployed_versions
from pipelines.security import abuse_limits
from pipelines.types import registry
from pipelines.types.api_ingestion import (
    DEFAULT_MAX_RECORDS,
    BadPayload,
    TooManyRecords,
    ingest,
    parse_records,
)


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


@csrf_exempt
@require_POST
def ingest_view(request: HttpRequest, ingestion_id: str) -> JsonResponse:
    component = (
        Component.with_removed.select_related("pipeline").filter(ingestion_id=ingestion_id).first()
    )
    if component is None or registry.get_type(component.type).streams != "http":
        return _error(404, "No API Ingestion component has this Ingestion ID.")
    secret = credentials.presented_secret(request.headers)
    if secret is None:
        return _error(401, "Send the Ingestion Secret in the X-Ingestion-Secret header.")
    if not credentials.secrets_match(secret, component.ingestion_secret):
        return _error(403, "The Ingestion Secret is not valid for this component.")
    deployed = deployed_versions.of_component(component)
    if deployed is None:
        return _error(409, "The pipeline is not active: activate it to ingest records.")
    if request.content_type != "application/json":
        got = request.content_type or "none"
        return _error(415, f"Send the records as Content-Type: application/json (got {got}).")
    limit = int(deployed.setting("meta", "max_body_kb", 1024)) * 1024
    size = int(request.headers.get("Content-Length") or 0)
    if size > limit or len(request.body) > limit:  # a chunked body declares no length
        size = max(size, len(request.body))
        return _error(413, f"The body has {size} bytes; the limit is {limit}.")
    refusal = abuse_limits.ingest(component.ingestion_id, len(request.body))
    if refusal is not None:
        response = _error(429, refusal.message)
        response["Retry-After"] = str(refusal.retry_after)
        return response
    try:
        max_records = int(deployed.setting("meta", "max_records", DEFAULT_MAX_RECORDS))
        records = parse_records(request.body, max_records=max_records)
    except TooManyRecords as exc:
        return _error(413, str(exc))
    except BadPayload as exc:
        return _error(400, str(exc))
    try:
        count = ingest(deployed, records)
    except KafkaUnavailable as exc:
        ingest_counters.record_failure(deployed.guid, len(records), str(exc))
        return _error(503, str(exc))
    ingest_counters.record(deployed.guid, count, len(request.body), len(deployed.outputs))
    return JsonResponse({"accepted": count}, status=202)
