"""The channel layer as configured, on a real (embedded) Redis."""

from __future__ import annotations

import logging
import time
import uuid

import pytest
import redis
from channels_redis.pubsub import RedisPubSubChannelLayer

from config.layers import redis_layers
from pipelines.redis_keys import credit_key, web_key
from producer.credit_gate import CreditGate
from producer.stream_publisher import StreamPublisher


@pytest.mark.asyncio
async def test_a_batch_crosses_the_layer_without_being_turned_into_log_text(redis_url, caplog):
    """RESP3 pub/sub pushes are stringified for a debug log line, every message (0.5 ms
    for a 120 KB batch); the configured layer speaks RESP2, which has no such line."""
    layer = RedisPubSubChannelLayer(**redis_layers(redis_url)["default"]["CONFIG"])
    caplog.set_level(logging.DEBUG, logger="push_response")
    try:
        channel = await layer.new_channel("hub.")
        await layer.group_add("stream", channel)
        message = {"type": "stream.batch", "frames": [b"x" * 120_000]}
        await layer.group_send("stream", message)
        assert await layer.receive(channel) == message
        assert not [r for r in caplog.records if r.name == "push_response"]
    finally:
        await layer.flush()


@pytest.mark.asyncio
async def test_the_workers_own_publish_reaches_the_groups_subscribers_and_reads_the_acks(
    redis_url,
):
    """producer.stream_publisher writes to the layer's channel itself: same name, same
    serializer, or no web process would get a batch."""
    layer = RedisPubSubChannelLayer(**redis_layers(redis_url)["default"]["CONFIG"])
    client = redis.Redis.from_url(redis_url)
    ingestion_id = f"ing_{uuid.uuid4().hex[:8]}"
    gate = CreditGate(client, ingestion_id, "w1")
    client.hset(web_key(ingestion_id), "web-1", time.time())
    client.hset(credit_key(ingestion_id, "w1"), "web-1", 3)
    publisher = StreamPublisher(client, layer, "stream", gate)
    try:
        channel = await layer.new_channel("hub.")
        await layer.group_add("stream", channel)
        batch = {"type": "stream.batch", "seq": 7, "frames": [b"x" * 120_000], "ids": [[0, 1]]}
        publisher.batch(batch, 120_000)
        publisher.notice({"type": "stream.progress", "last": [[0, 1]]})
        assert await layer.receive(channel) == batch
        assert (await layer.receive(channel))["type"] == "stream.progress"
        gate.wait_for(8, lambda: False)  # 5 past the floor of 3 the publish's reply carried
        assert gate.checks == 0 and gate.waits == 0  # so no round trip of its own
    finally:
        await layer.flush()
        client.delete(web_key(ingestion_id), credit_key(ingestion_id, "w1"))


@pytest.mark.asyncio
async def test_a_failed_look_at_the_acks_neither_fails_nor_repeats_the_publish(redis_url):
    layer = RedisPubSubChannelLayer(**redis_layers(redis_url)["default"]["CONFIG"])
    client = redis.Redis.from_url(redis_url)
    ingestion_id = f"ing_{uuid.uuid4().hex[:8]}"
    client.set(web_key(ingestion_id), "not a hash")  # HGETALL answers WRONGTYPE
    gate = CreditGate(client, ingestion_id, "w1")
    publisher = StreamPublisher(client, layer, "stream2", gate)
    try:
        channel = await layer.new_channel("hub.")
        await layer.group_add("stream2", channel)
        publisher.batch({"type": "stream.batch", "seq": 1, "frames": [b"x"], "ids": [[0, 1]]}, 1)
        publisher.notice({"type": "stream.progress", "last": [[0, 1]]})
        kinds = [(await layer.receive(channel))["type"] for _ in range(2)]
        assert kinds == ["stream.batch", "stream.progress"]  # the batch once, then the next
    finally:
        await layer.flush()
        client.delete(web_key(ingestion_id))
