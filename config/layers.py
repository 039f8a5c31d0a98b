"""The channel layer every process uses when Redis is configured (settings and tests)."""

from __future__ import annotations


def redis_layers(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            # RESP2: redis-py's RESP3 parser logs every pub/sub message at debug level and
            # builds that text whether or not debug is on: str() of a 120 KB batch took
            # 0.5 ms, in every web process and for every batch.
            "CONFIG": {"hosts": [{"address": url, "protocol": 2}]},
        }
    }
