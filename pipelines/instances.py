"""Live instances report here (Redis keys with a TTL); status pages read it.

A key per instance that expires a few seconds after its last report means a crashed
instance disappears from the status by itself.
"""

from __future__ import annotations

import functools
import time

import orjson
import redis
from django.conf import settings

TTL_SECONDS = 5
CLIENTS_FRESH_SECONDS = 5.0  # web processes report their client counts every second
PREFIX = "flowcast:instance"


@functools.cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def client() -> redis.Redis | None:
    return _client(settings.REDIS_URL) if settings.REDIS_URL else None


def report(guid: str, instance_id: str, data: dict) -> None:
    r = client()
    if r is not None:
        r.set(f"{PREFIX}:{guid}:{instance_id}", orjson.dumps(data), ex=TTL_SECONDS)


def read(guid: str) -> list[dict]:
    r = client()
    if r is None:
        return []
    keys = sorted(r.scan_iter(match=f"{PREFIX}:{guid}:*", count=100))
    return [orjson.loads(v) for v in r.mget(keys) if v] if keys else []


def clients_key(ingestion_id: str) -> str:
    return f"flowcast:clients:{ingestion_id}"


def connected_clients(ingestion_id: str) -> int:
    """Open WebSocket sessions of a producer across every live web process."""
    r = client()
    if r is None:
        return 0
    now = time.time()
    reports = [orjson.loads(v) for v in r.hvals(clients_key(ingestion_id))]
    return sum(count for at, count in reports if now - at < CLIENTS_FRESH_SECONDS)
