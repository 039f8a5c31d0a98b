"""Update Pipeline reconciles open sessions on every web process (DESIGN §6 close codes):
unchanged → untouched, new framing → 4001, new input → 4002, removed → 4502. Draft
changes touch nobody until then."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from pipelines import services
from pipelines.models import Component, Pipeline
from tests.integration.clients import bearer, ws_url
from tests.runtime import unique

pytestmark = pytest.mark.integration

FORMATS = ("envelope", "batch", "raw")


def build(owner) -> dict:
    """One event feeding a producer per frame format, plus `Steady` (renamed only),
    `Rewired` (moved to another event) and `Doomed` (deleted in the draft)."""
    pipeline = services.create_pipeline(owner, name=unique("Reconcile"))
    event = services.create_event(pipeline, name="Records", partitions=2)
    names = [*FORMATS, "Steady", "Rewired", "Doomed"]
    producers = {}
    for name in names:
        fmt = name if name in FORMATS else "envelope"
        producers[name] = services.create_component(
            pipeline,
            type="websocket_producer",
            name=name,
            config={"meta": {"frame_format": fmt}},
        )
        services.connect(pipeline, event=event, component=producers[name], direction="input")
    services.deploy(pipeline)
    services.set_active(Pipeline.objects.get(pk=pipeline.pk), True)
    for p in producers.values():
        p.refresh_from_db()
    return {"pipeline": pipeline, "event": event, "producers": producers}


async def open_on(hosts: list[str], producer) -> list:
    return [
        await connect(ws_url(host, producer), additional_headers=bearer(producer)) for host in hosts
    ]


async def close_code(ws) -> int:
    with pytest.raises(ConnectionClosed):
        await asyncio.wait_for(ws.recv(), 10)
    return ws.close_code


async def still_open(ws) -> bool:
    pong = await ws.ping()
    await asyncio.wait_for(pong, 5)
    return ws.close_code is None


def test_update_pipeline_reconciles_sessions_on_every_web_process(stack, owner):
    s = build(owner)
    hosts = stack.webs(2)
    p = s["producers"]
    pipeline = s["pipeline"]

    def draft_changes():
        for fmt in FORMATS:
            new = "envelope" if fmt == "batch" else "batch"
            services.update_component(p[fmt], config={"meta": {"frame_format": new}})
        services.update_component(p["Steady"], name="Steady (renamed)")
        rewired = p["Rewired"]
        other = services.create_event(pipeline, name="Other records", partitions=2)
        services.disconnect(rewired.connections.get())
        services.connect(pipeline, event=other, component=rewired, direction="input")
        services.delete_component(Component.objects.get(pk=p["Doomed"].pk))

    async def scenario():
        sockets = {name: await open_on(hosts, producer) for name, producer in p.items()}
        await asyncio.to_thread(draft_changes)
        # Drafts touch nobody: every session still answers, and a new handshake to the
        # component deleted in the draft is still accepted.
        untouched = [await still_open(ws) for group in sockets.values() for ws in group]
        late = await open_on(hosts[:1], p["Doomed"])
        sockets["Doomed"] += late
        await asyncio.to_thread(lambda: services.deploy(Pipeline.objects.get(pk=pipeline.pk)))
        codes = {
            name: [await close_code(ws) for ws in group]
            for name, group in sockets.items()
            if name != "Steady"
        }
        steady = [await still_open(ws) for ws in sockets["Steady"]]
        for ws in sockets["Steady"]:
            await ws.close()
        return untouched, codes, steady

    untouched, codes, steady = asyncio.run(scenario())
    assert all(untouched)
    assert codes == {
        "envelope": [4001, 4001],
        "batch": [4001, 4001],
        "raw": [4001, 4001],
        "Rewired": [4002, 4002],
        "Doomed": [4502, 4502, 4502],
    }
    assert steady == [True, True]
