"""The channel layer as configured, on a real (embedded) Redis."""

from __future__ import annotations

import logging

import pytest
from channels_redis.pubsub import RedisPubSubChannelLayer

from config.layers import redis_layers


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
