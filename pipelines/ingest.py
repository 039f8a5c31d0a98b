"""`POST /api/ingest/<ingestion_id>/`: API Ingestion's HTTP entry point.

Plain Django view (no session, no CSRF: clients authenticate with the Ingestion Secret).
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from pipelines import credentials, deployment, registry, traffic
from pipelines.components.api_ingestion import BadPayload, ingest, parse_records
from pipelines.exceptions import KafkaUnavailable
from pipelines.models import Component


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


@csrf_exempt
@require_POST
def ingest_view(request: HttpRequest, ingestion_id: str) -> JsonResponse:
    component = (
        Component.objects.select_related("pipeline").filter(ingestion_id=ingestion_id).first()
    )
    if component is None or (registry.get_type(component.type).endpoint or ("",))[0] != "http":
        return _error(404, "No API Ingestion component has this Ingestion ID.")
    secret = credentials.presented_secret(request.headers)
    if secret is None:
        return _error(401, "Send the Ingestion Secret in the X-Ingestion-Secret header.")
    if not credentials.secrets_match(secret, component.ingestion_secret):
        return _error(403, "The Ingestion Secret is not valid for this component.")
    deployed = deployment.of_component(component)
    if deployed is None:
        return _error(409, "The pipeline is not active: activate it to ingest records.")
    limit = int(deployed.setting("meta", "max_body_kb", 1024)) * 1024
    size = int(request.headers.get("Content-Length") or 0)
    if size > limit:
        return _error(413, f"The body has {size} bytes; the limit is {limit}.")
    try:
        records = parse_records(request.body)
    except BadPayload as exc:
        return _error(400, str(exc))
    try:
        count = ingest(deployed, records)
    except KafkaUnavailable as exc:
        traffic.record_failure(deployed.guid, len(records), str(exc))
        return _error(503, str(exc))
    traffic.record(deployed.guid, count, len(request.body), len(deployed.outputs))
    return JsonResponse({"accepted": count}, status=202)
