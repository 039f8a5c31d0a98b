"""Close the WebSocket sessions that a committed change invalidates."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from pipelines import signals
from pipelines.models import Component, Pipeline
from producer.auth import SECRET, TOKEN
from producer.groups import stream_group

log = logging.getLogger(__name__)

SECRET_REGENERATED = 4501
GONE = 4502


def close_sessions(
    ingestion_id: str, code: int, reason: str, auth_kinds: list[str] | None = None
) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "stream.close", "code": code, "reason": reason, "auth_kinds": auth_kinds}
    try:
        async_to_sync(layer.group_send)(stream_group(ingestion_id), message)
    except Exception as exc:  # the change is committed; a dead Redis has no sessions to close
        log.warning("Could not close sessions of %s: %s", ingestion_id, exc)


def on_secret_regenerated(sender, component_id: int, ingestion_id: str, **kwargs) -> None:
    close_sessions(
        ingestion_id, SECRET_REGENERATED, "Ingestion Secret regenerated", [SECRET, TOKEN]
    )


def on_component_removed(sender, component_id: int, ingestion_id: str, **kwargs) -> None:
    close_sessions(ingestion_id, GONE, "Component removed")


def on_status_changed(sender, pipeline_id: int, status: str, **kwargs) -> None:
    if status == Pipeline.Status.ACTIVE:
        return
    for ingestion_id in Component.objects.filter(pipeline_id=pipeline_id).values_list(
        "ingestion_id", flat=True
    ):
        close_sessions(ingestion_id, GONE, "Pipeline deactivated")


def connect_receivers() -> None:
    signals.secret_regenerated.connect(on_secret_regenerated, dispatch_uid="producer.secret")
    signals.component_removed.connect(on_component_removed, dispatch_uid="producer.removed")
    signals.pipeline_status_changed.connect(on_status_changed, dispatch_uid="producer.status")
