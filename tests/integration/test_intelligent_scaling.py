"""Intelligent Scaling with the real broker and supervisor: up on a burst, down once drained.

The producer is slowed on purpose (a pause after each batch, tests only) so a burst builds
lag; clients must still get every record once, in offset order per partition, across the
rebalances that each change of the instance count causes.
"""

from __future__ import annotations

import asyncio

import orjson
import pytest
from websockets.exceptions import ConnectionClosed

from pipelines import services
from pipelines.models import Pipeline, ScalingDecision
from pipelines.runtime.processes import manage_command
from tests.integration.clients import bearer, open_clients, ws_url
from tests.runtime import FAST_SCALING, build_stream, wait_assigned, wait_for

pytestmark = pytest.mark.integration

TOTAL = 4000
RESOURCES = {"min_instances": 1, "max_instances": 3, "lag_threshold": 200}


async def read_in_order(ws, want: int, timeout: float) -> tuple[set[str], list[str]]:
    """Batch frames until `want` ids arrived; returns (ids, offsets that came out of order)."""
    ids: set[str] = set()
    last: dict[int, int] = {}
    disorder: list[str] = []

    async def loop():
        async for frame in ws:
            if frame.startswith('{"type":"position"'):  # where the client stands: fine
                continue
            if frame.startswith("{"):  # another control message (gap, error): not expected
                disorder.append(frame)
                continue
            for record in orjson.loads(frame):
                partition, offset = record["partition"], record["offset"]
                if offset <= last.get(partition, -1):
                    disorder.append(f"{partition}-{offset} after {partition}-{last[partition]}")
                last[partition] = offset
                ids.add(record["id"])
            if len(ids) >= want:
                return

    try:
        await asyncio.wait_for(loop(), timeout)
    except (TimeoutError, ConnectionClosed) as exc:
        disorder.append(f"ended: {exc!r}")
    return ids, disorder


def decisions(pipeline) -> list[ScalingDecision]:
    return list(ScalingDecision.objects.filter(pipeline=pipeline).order_by("decided_at", "id"))


def test_a_burst_scales_the_producer_up_then_down_and_clients_get_it_all_in_order(stack, owner):
    s = build_stream(owner, source="api", frame_format="batch", batch_size=20)
    producer, pipeline = s["producer"], s["pipeline"]
    basic = {**producer.config.get("basic", {}), "intelligent_scaling": True}
    services.update_component(
        producer, config={**producer.config, "basic": basic, "resources": RESOURCES}
    )
    services.deploy(Pipeline.objects.get(pk=pipeline.pk))
    stack.env.update(FAST_SCALING)
    stack.start("supervisor", manage_command("run_pipelines", "--interval", "0.3"))
    host = stack.web()
    wait_assigned(producer)

    def scaled_up():
        return max((d.new_count for d in decisions(pipeline)), default=0) >= 2

    def scaled_back_to_one():
        history = decisions(pipeline)
        return history and history[-1].new_count == 1 and history[-1].action == "down"

    async def scenario():
        [ws] = await open_clients(ws_url(host, producer), bearer(producer), 1)
        reading = asyncio.create_task(read_in_order(ws, TOTAL, 50))
        values = [{"n": i} for i in range(TOTAL)]
        # Keys 0…TOTAL spread the burst over all three partitions.
        await asyncio.to_thread(
            stack.produce, s["event"].topic, values, key=lambda i: str(i).encode()
        )
        await asyncio.to_thread(wait_for, scaled_up, 30, "a scale-up to 2 or more instances")
        result = await reading
        await asyncio.to_thread(wait_for, scaled_back_to_one, 40, "a scale-down to 1 instance")
        await ws.close()
        return result

    ids, disorder = asyncio.run(scenario())
    assert disorder == []
    assert len(ids) == TOTAL
    history = decisions(pipeline)
    changes = [(d.action, d.old_count, d.new_count) for d in history if d.old_count != d.new_count]
    assert changes[0] == ("up", 1, 2), changes
    assert all(abs(new - old) == 1 for _, old, new in changes), changes
    assert all(new <= 3 for _, _, new in changes), changes  # 3 partitions, max 3 instances
    up = history[0]
    assert up.lag > 0.6 * 200 and up.ratio == pytest.approx(up.lag / 200, rel=1e-3)
