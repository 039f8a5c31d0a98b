"""The repair reader on the real broker: exact offsets, whole chunks, few trips."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from pipelines.runtime import kafka
from pipelines.runtime.deployed_versions import Topic
from producer import repair
from producer.repair import CHUNK, READ_AHEAD, RepairError, RepairReader
from tests.runtime import unique

pytestmark = pytest.mark.integration


def offsets(batch) -> list[int]:
    return [o for frame in batch.frames for o in (r["offset"] for r in orjson.loads(frame))]


def test_a_long_hole_comes_back_whole_in_order_with_chunks_read_ahead(stack):
    topic = unique("repair")
    kafka.ensure_topics([Topic(topic, 1, 1, "shared")])
    total = CHUNK * (READ_AHEAD + 3) + 123  # complete chunks, then a partial tail
    stack.produce(topic, [{"n": i} for i in range(total)], key=lambda i: None)
    reader = RepairReader(topic, "batch", "json")

    async def repair(start: int, end: int) -> list[int]:
        got: list[int] = []
        while start <= end:
            part = await reader.read(0, start, end)
            assert part.lost_before is None
            got += [o for o in offsets(part.batch) if o >= start]
            start = part.last + 1
        return got

    hole_start, hole_end = 130, total - 2  # unaligned at both ends
    got = asyncio.run(repair(hole_start, hole_end))
    assert got == list(range(hole_start, hole_end + 1))
    # READ_AHEAD complete chunks per trip, then the rest, then the tail up to the hole's end
    # (chunks the hole covers to their end are complete, whatever the high watermark says).
    chunks = hole_end // CHUNK + 1
    assert reader.fetches == -(-(chunks - 1) // READ_AHEAD) + 1
    before = reader.fetches
    assert asyncio.run(repair(CHUNK, 3 * CHUNK - 1)) == list(range(CHUNK, 3 * CHUNK))
    assert reader.fetches == before  # cached: a second client resuming there costs no trip


def test_offsets_kafka_does_not_give_are_an_error_not_a_short_repair(stack, monkeypatch):
    topic = unique("repair")
    kafka.ensure_topics([Topic(topic, 1, 1, "shared")])
    stack.produce(topic, [{"n": i} for i in range(40)], key=lambda i: None)
    monkeypatch.setattr(repair, "READ_TIMEOUT", 1.0)
    reader = RepairReader(topic, "batch", "json")
    whole = asyncio.run(reader.read(0, 10, 39))
    assert offsets(whole.batch)[-1] == 39 and whole.last == 39
    with pytest.raises(RepairError):  # 40..45 were never written: waiting cannot fill them
        asyncio.run(reader.read(0, 30, 45))
