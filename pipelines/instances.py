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
WEB_STATS = "flowcast:webstats"  # web process → its stream counters (producer.metrics)


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


def read_all() -> dict[str, list[dict]]:
    """Every live instance's report, by GUID: one SCAN for a whole page or scrape.

    SCAN walks the whole keyspace whatever the pattern, so pages that show many components
    read them all at once instead of scanning once per component.
    """
    r = client()
    if r is None:
        return {}
    keys = sorted(r.scan_iter(match=f"{PREFIX}:*", count=500))
    by_guid: dict[str, list[dict]] = {}
    for key, value in zip(keys, r.mget(keys) if keys else [], strict=True):
        if value:
            guid = key.decode().split(":")[2]
            by_guid.setdefault(guid, []).append(orjson.loads(value))
    return by_guid


def clients_key(ingestion_id: str) -> str:
    return f"flowcast:clients:{ingestion_id}"


def connected_clients(ingestion_id: str) -> int:
    """Open WebSocket sessions of a producer across every live web process."""
    return connected_clients_of([ingestion_id]).get(ingestion_id, 0)


def connected_clients_of(ingestion_ids: list[str]) -> dict[str, int]:
    """connected_clients() of several producers in one round trip."""
    r = client()
    if r is None or not ingestion_ids:
        return {}
    pipe = r.pipeline(transaction=False)
    for ingestion_id in ingestion_ids:
        pipe.hvals(clients_key(ingestion_id))
    now = time.time()
    counts = {}
    for ingestion_id, values in zip(ingestion_ids, pipe.execute(), strict=True):
        reports = [orjson.loads(v) for v in values]
        counts[ingestion_id] = sum(n for at, n in reports if now - at < CLIENTS_FRESH_SECONDS)
    return counts
