"""When access to a pipeline last narrowed, so that an older page token cannot open it.

A token decides its handshake against the producer held in memory, with no query
(producer.credential_cache). A token minted for a user before their access narrowed (a
grant removed, a new password, …; pipelines.security.revocation) would otherwise open
streams for the rest of its lifetime. So each narrowing is kept for a token's lifetime,
and a user's token minted before the last narrowing of its pipeline is checked against
the database once, at its handshake. Redis keeps the record, so every web process sees
it, one started later too; without Redis (one process) the process keeps it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from django.conf import settings

from pipelines import redis_keys

log = logging.getLogger(__name__)

# Tokens and narrowings are stamped by different processes, perhaps on different hosts: a
# token minted up to this long after a narrowing is checked as well (one query, rarely).
CLOCK_MARGIN_MS = 5_000

_local: dict[int, int] = {}  # pipeline id → ms, when no Redis is configured


def now_ms() -> int:
    return int(time.time() * 1000)


def record(pipeline_ids: Iterable[int]) -> None:
    """Note that access to these pipelines narrowed now (after the change was committed)."""
    now = now_ms()
    stamps = dict.fromkeys(pipeline_ids, now)
    client = redis_keys.client()
    if client is None:
        _local.update(stamps)
        return
    kept_from = now - (settings.FLOWCAST["TOKEN_MAX_AGE"] * 1000 + CLOCK_MARGIN_MS)
    try:
        pipe = client.pipeline()
        pipe.zadd(redis_keys.NARROWED, {str(pid): ms for pid, ms in stamps.items()})
        # What no unexpired token can predate any more (the bound itself still can).
        pipe.zremrangebyscore(redis_keys.NARROWED, "-inf", f"({kept_from}")
        pipe.execute()
    except Exception as exc:  # the change is committed; such tokens expire on their own
        log.warning("Could not record narrowed access to %s: %s", sorted(stamps), exc)


def last(pipeline_id: int) -> int | None:
    """When access to the pipeline last narrowed (ms), if within a token's lifetime. Redis
    unreachable: now, so that every user's token is checked (a stream needs Redis anyway)."""
    client = redis_keys.client()
    if client is None:
        return _local.get(pipeline_id)
    try:
        score = client.zscore(redis_keys.NARROWED, str(pipeline_id))
    except Exception as exc:
        log.warning("Could not read narrowed access to pipeline %s: %s", pipeline_id, exc)
        return now_ms()
    return None if score is None else int(score)


def predates(claims: dict, narrowed_at: int | None) -> bool:
    """Whether a user's token may have been minted before that narrowing. A token of an
    earlier release carries no mint time ("t"): it counts as older."""
    if narrowed_at is None or claims.get("u") is None:
        return False
    return claims.get("t", 0) <= narrowed_at + CLOCK_MARGIN_MS
