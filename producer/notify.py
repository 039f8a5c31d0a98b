"""Close the WebSocket sessions that a committed change invalidates."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from pipelines import signals
from pipelines.models import Component, Pipeline, PipelineVersion
from pipelines.runtime import deployed_versions
from pipelines.types import registry
from producer import narrowings
from producer.auth import SECRET, TOKEN
from producer.credential_cache import CHANGED
from producer.credential_cache import GROUP as CREDENTIALS_GROUP
from producer.groups import stream_group
from producer.reconcile import session_change

log = logging.getLogger(__name__)

SECRET_REGENERATED = 4501
GONE = 4502
RECHECK = {"type": "stream.recheck"}  # a user's sessions: is your user still allowed?


def close_sessions(
    ingestion_id: str, code: int, reason: str, auth_kinds: list[str] | None = None
) -> None:
    message = {"type": "stream.close", "code": code, "reason": reason, "auth_kinds": auth_kinds}
    _send(stream_group(ingestion_id), message, f"close sessions of {ingestion_id}")


def forget_credentials(ingestion_ids: list[str]) -> None:
    """Every web process drops what it holds of these producers (producer.credential_cache);
    if this fails, their entries expire after credential_cache.TTL_SECONDS."""
    if ingestion_ids:
        message = {"type": CHANGED, "ingestion_ids": list(ingestion_ids)}
        _send(CREDENTIALS_GROUP, message, f"tell the web processes about {ingestion_ids}")


def _send(group: str, message: dict, what: str) -> None:
    """One group message, from sync code; from a thread that runs an event loop (a test's
    browser, a management command's client) it goes from a worker thread instead."""
    layer = get_channel_layer()
    if layer is None:
        return
    send = async_to_sync(layer.group_send)
    try:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            send(group, message)
        else:
            with ThreadPoolExecutor(1) as pool:
                pool.submit(send, group, message).result()
    except Exception as exc:  # the change is committed; a dead Redis has no sessions to close
        log.warning("Could not %s: %s", what, exc)


def on_secret_regenerated(sender, component_id: int, ingestion_id: str, **kwargs) -> None:
    forget_credentials([ingestion_id])
    close_sessions(
        ingestion_id, SECRET_REGENERATED, "Ingestion Secret regenerated", [SECRET, TOKEN]
    )


def on_component_removed(sender, component_id: int, ingestion_id: str, **kwargs) -> None:
    forget_credentials([ingestion_id])
    close_sessions(ingestion_id, GONE, "Component removed")


def on_status_changed(sender, pipeline_id: int, status: str, **kwargs) -> None:
    ingestion_ids = list(
        Component.with_removed.filter(pipeline_id=pipeline_id).values_list(
            "ingestion_id", flat=True
        )
    )
    forget_credentials(ingestion_ids)
    if status == Pipeline.Status.ACTIVE:
        return
    for ingestion_id in ingestion_ids:
        close_sessions(ingestion_id, GONE, "Pipeline deactivated")


def on_deployed(
    sender, pipeline_id: int, version_number: int, previous_version_id=None, **kwargs
) -> None:
    """Reconcile open sessions with the new version: untouched, 4001, 4002 or 4502; and
    every web process forgets what it held of the old version's producers."""
    pipeline = Pipeline.objects.filter(pk=pipeline_id).select_related("current_version").first()
    if pipeline is None:
        return
    old = _streaming(PipelineVersion.objects.filter(pk=previous_version_id).first())
    new = _streaming(pipeline.current_version)
    forget_credentials(sorted(old.keys() | new.keys()))
    if previous_version_id is None or pipeline.status != Pipeline.Status.ACTIVE:
        return  # an inactive pipeline has no sessions
    for ingestion_id, before in old.items():
        change = session_change(before, new.get(ingestion_id))
        if change is not None:
            close_sessions(ingestion_id, *change)


def on_access_narrowed(sender, pipeline_ids: list[int], **kwargs) -> None:
    """Every open dashboard of these pipelines checks its user's right to view again, and
    so does each handshake with a user's token minted before now (producer.narrowings)."""
    narrowings.record(pipeline_ids)
    producers = Component.objects.filter(
        pipeline_id__in=pipeline_ids, type__in=registry.streaming_types()
    )
    ingestion_ids = list(producers.values_list("ingestion_id", flat=True))
    forget_credentials(ingestion_ids)  # held entries know nothing of the narrowing
    for ingestion_id in ingestion_ids:
        _send(stream_group(ingestion_id), RECHECK, f"recheck sessions of {ingestion_id}")


def _streaming(version: PipelineVersion | None) -> dict[str, deployed_versions.DeployedComponent]:
    if version is None:
        return {}
    deployed = deployed_versions.from_snapshot(
        version.snapshot, version.pipeline_id, version.number
    )
    return {d.ingestion_id: d for d in deployed if registry.get_type(d.type).streams == "ws"}


def connect_receivers() -> None:
    signals.pipeline_deployed.connect(on_deployed, dispatch_uid="producer.deployed")
    signals.secret_regenerated.connect(on_secret_regenerated, dispatch_uid="producer.secret")
    signals.component_removed.connect(on_component_removed, dispatch_uid="producer.removed")
    signals.pipeline_status_changed.connect(on_status_changed, dispatch_uid="producer.status")
    signals.access_narrowed.connect(on_access_narrowed, dispatch_uid="producer.narrowed")
