"""Live instances report here (Redis keys with a TTL); status pages read it.

A key per instance that expires a few seconds after its last report means a crashed
instance disappears from the status by itself.
"""

from __future__ import annotations

import orjson

from pipelines.redis_keys import INSTANCE_PREFIX, client, instance_key

TTL_SECONDS = 5


def report(guid: str, instance_id: str, data: dict) -> None:
    r = client()
    if r is not None:
        r.set(instance_key(guid, instance_id), orjson.dumps(data), ex=TTL_SECONDS)


def forget(guid: str, instance_id: str) -> None:
    """An instance that stopped cleanly leaves at once: its key would show it for up to
    TTL_SECONDS more (monitoring counted two instances for a while after every update)."""
    r = client()
    if r is not None:
        r.delete(instance_key(guid, instance_id))


def read(guid: str) -> list[dict]:
    r = client()
    if r is None:
        return []
    keys = sorted(r.scan_iter(match=instance_key(guid, "*"), count=100))
    return [orjson.loads(v) for v in r.mget(keys) if v] if keys else []


def read_all() -> dict[str, list[dict]]:
    """Every live instance's report, by GUID: one SCAN for a whole page or scrape.

    SCAN walks the whole keyspace whatever the pattern, so pages that show many components
    read them all at once instead of scanning once per component.
    """
    r = client()
    if r is None:
        return {}
    keys = sorted(r.scan_iter(match=f"{INSTANCE_PREFIX}:*", count=500))
    by_guid: dict[str, list[dict]] = {}
    for key, value in zip(keys, r.mget(keys) if keys else [], strict=True):
        if value:
            guid = key.decode().split(":")[2]
            by_guid.setdefault(guid, []).append(orjson.loads(value))
    return by_guid
