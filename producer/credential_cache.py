"""What a handshake needs to know of a producer, held in memory by each web process.

Deployed versions are immutable: a producer's secret and stream settings change only when
Update Pipeline deploys a version, its secret is regenerated, its pipeline is activated or
deactivated, or the component is removed; and what older tokens may do changes when access
to its pipeline narrows (producer.narrowings). Each of those sends, after its commit, the
ingestion ids concerned to one channel-layer group that every web process subscribes to
(producer.notify); the entries go at once. A message lost while Redis reconnects is
bounded by TTL_SECONDS. So a handshake whose secret or token decides costs no database
query and no thread hop: a storm of reconnecting clients (a web process restarting) is
answered from memory.

Only streaming producers are held: an unknown or inactive ingestion id is looked up again
each time (such handshakes are refused and counted by the per-address limit).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from channels.db import database_sync_to_async

from pipelines.models import Component, Pipeline
from pipelines.runtime import deployed_versions
from pipelines.runtime.deployed_versions import DeployedComponent
from pipelines.types import registry
from producer import metrics, narrowings
from producer.per_loop import per_loop

GROUP = "flowcast.credentials"
CHANGED = "credentials.changed"
TTL_SECONDS = 5.0


@dataclass(frozen=True)
class Producer:
    component_id: int
    pipeline_id: int
    ingestion_id: str
    secret: str
    deployed: DeployedComponent
    loaded_at: float
    narrowed_at: int | None = None  # when access to its pipeline last narrowed (ms)


def load(ingestion_id: str) -> Producer | None:
    """The producer as the database has it now, if it streams (active, deployed, ws)."""
    component = (
        Component.with_removed.select_related("pipeline").filter(ingestion_id=ingestion_id).first()
    )
    if component is None or not _streams(component):
        return None
    deployed = deployed_versions.of_component(component)
    if deployed is None or not deployed.inputs:
        return None
    return Producer(
        component.pk,
        component.pipeline_id,
        component.ingestion_id,
        component.ingestion_secret,
        deployed,
        time.monotonic(),
        narrowings.last(component.pipeline_id),
    )


def _streams(component: Component) -> bool:
    active = component.pipeline.status == Pipeline.Status.ACTIVE
    return registry.get_type(component.type).streams == "ws" and active and bool(component.guid)


class CredentialCache:
    """One per event loop (daphne has one); subscribed to GROUP through the stream hub."""

    def __init__(self) -> None:
        self.entries: dict[str, Producer] = {}
        self.epoch = 0  # bumped by every change message: a load that raced one is not kept
        self.subscribed = False
        self._loading: dict[str, asyncio.Future] = {}

    async def producer(self, ingestion_id: str, *, fresh: bool = False) -> Producer | None:
        """The producer as held (unless `fresh`: read again), or None if it does not stream.
        Handshakes that miss together share one read (a reconnect storm is one query)."""
        if fresh:
            return await self._load(ingestion_id)
        entry = self.entries.get(ingestion_id)
        if entry is not None and time.monotonic() - entry.loaded_at < TTL_SECONDS:
            return entry
        pending = self._loading.get(ingestion_id)
        if pending is None:
            pending = self._loading[ingestion_id] = asyncio.ensure_future(self._load(ingestion_id))
            pending.add_done_callback(lambda _: self._loading.pop(ingestion_id, None))
        return await asyncio.shield(pending)

    async def _load(self, ingestion_id: str) -> Producer | None:
        await self._subscribe()
        epoch = self.epoch
        metrics.count("credential_lookups")
        entry = await database_sync_to_async(load)(ingestion_id)
        if entry is None:
            self.entries.pop(ingestion_id, None)
        elif epoch == self.epoch and self.subscribed:
            self.entries[ingestion_id] = entry
        return entry

    def deliver(self, message: dict) -> None:
        """The hub's entry point: a committed change names the producers to forget."""
        if message.get("type") == CHANGED:
            self.epoch += 1
            for ingestion_id in message.get("ingestion_ids", ()):
                self.entries.pop(ingestion_id, None)

    async def _subscribe(self) -> None:
        if self.subscribed:
            return
        from producer.hub import hub  # the hub imports the frames; keep this module light

        try:
            await hub().join(GROUP, self)
        except Exception:  # no channel layer or Redis away: hold nothing, look up each time
            return
        self.subscribed = True


cache = per_loop(CredentialCache)  # the running event loop's cache
