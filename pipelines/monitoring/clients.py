"""Open WebSocket sessions of each producer, as every web process reports them to Redis.

The web processes write these counts (producer.credit_reporter, once a second); monitoring
pages show them and a producer's worker fills its batches by them.
"""

from __future__ import annotations

import time

import orjson

from pipelines.redis_keys import client, clients_key

FRESH_SECONDS = 5.0  # web processes report their client counts every second


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
        counts[ingestion_id] = sum(n for at, n in reports if now - at < FRESH_SECONDS)
    return counts
