"""The channel layer every process uses when Redis is configured (settings and tests)."""

from __future__ import annotations

PREFIX = "asgi"  # channels_redis's default, named so the worker's publish can use it


def redis_layers(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            # RESP2: redis-py's RESP3 parser logs every pub/sub message at debug level and
            # builds that text whether or not debug is on: str() of a 120 KB batch took
            # 0.5 ms, in every web process and for every batch.
            "CONFIG": {"hosts": [{"address": url, "protocol": 2}], "prefix": PREFIX},
        }
    }


def group_channel(group: str) -> str:
    """The Redis pub/sub channel a group's messages travel on, as channels_redis names it
    (RedisPubSubLoopLayer._get_group_channel_name): the worker publishes there itself
    (producer.stream_publisher); tests/unit/test_channel_layer.py holds the two together."""
    return f"{PREFIX}__group__{group}"
