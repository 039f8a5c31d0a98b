"""Abuse limits shared by every web process: one counter per limit and key, in Redis.

Token minting per user, API Ingestion per ingestion id (requests and bytes) and WebSocket
handshakes per client address and per component; each rate comes from settings.FLOWCAST
(README "Abuse limits"). Login attempts are django-axes' (see config/settings.py).

Fixed windows (the `limits` library's): a window opens at its first hit and lasts the
rate's period, so Retry-After is the window's remaining time, the same in every process.

Without REDIS_URL (unit tests, management commands: processes that serve no clients) the
limits are off. A Redis error lets the request through, logged: an outage of the limiter
store must not also stop logins and ingestion, which do not need Redis otherwise.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import weakref
from dataclasses import dataclass

import redis
import redis.asyncio as aioredis
from django.conf import settings
from django.http import HttpResponse
from limits import RateLimitItemPerSecond
from limits.aio.storage import RedisStorage as AsyncRedisStorage
from limits.aio.strategies import FixedWindowRateLimiter as AsyncFixedWindowRateLimiter
from limits.storage import RedisStorage
from limits.strategies import FixedWindowRateLimiter

from pipelines import redis_keys

log = logging.getLogger(__name__)

TOKENS_PER_USER = "LIMIT_TOKENS_PER_USER"
INGEST_REQUESTS = "LIMIT_INGEST_REQUESTS"
INGEST_BYTES = "LIMIT_INGEST_BYTES"
HANDSHAKES_PER_ADDRESS = "LIMIT_HANDSHAKES_PER_ADDRESS"
HANDSHAKES_PER_COMPONENT = "LIMIT_HANDSHAKES_PER_COMPONENT"

KEY_PREFIX = redis_keys.LIMITS_PREFIX
REDIS_TIMEOUT = 2.0  # seconds; past it the request goes through (see the docstring)
ASYNC_CONNECTIONS = 32  # per web process, for the handshakes' limits


@dataclass(frozen=True)
class Refusal:
    """A request over a limit: which one, and when its window has room again."""

    limit: str
    retry_after: int  # whole seconds, at least 1: the Retry-After header's value

    @property
    def message(self) -> str:
        return f"Too many requests ({_DESCRIPTIONS[self.limit]}); retry in {self.retry_after} s."


_DESCRIPTIONS = {
    TOKENS_PER_USER: "tokens minted by this user",
    INGEST_REQUESTS: "requests to this API Ingestion",
    INGEST_BYTES: "bytes sent to this API Ingestion",
    HANDSHAKES_PER_ADDRESS: "WebSocket handshakes from this address",
    HANDSHAKES_PER_COMPONENT: "WebSocket handshakes to this component",
}


def hit(limit: str, key: object, cost: int = 1) -> Refusal | None:
    """Count `cost` against `limit` for `key`; a Refusal when the window has no room left.

    A cost above the whole window (a body larger than the byte budget) is counted as the
    whole window: it passes into an empty window only, instead of never.
    """
    limiter = _limiter(settings.REDIS_URL) if settings.REDIS_URL else None
    if limiter is None:
        return None
    item = _item(limit)
    try:
        if limiter.hit(item, str(key), cost=max(1, min(cost, item.amount))):
            return None
        # The window's time left to the millisecond (TTL's whole seconds are rounded, and
        # a Retry-After that comes early is refused again).
        storage = limiter.storage
        left_ms = storage.get_connection().pttl(storage.prefixed_key(item.key_for(str(key))))
    except redis.RedisError as exc:
        return _unchecked(limit, exc)
    return _refusal(limit, left_ms)


async def ahit(limit: str, key: object) -> Refusal | None:
    """hit(), on the event loop: a WebSocket handshake is counted without a thread hop."""
    limiter = _async_limiter(settings.REDIS_URL) if settings.REDIS_URL else None
    if limiter is None:
        return None
    item = _item(limit)
    try:
        if await limiter.hit(item, str(key)):
            return None
        bridge = limiter.storage.bridge
        left_ms = await bridge.get_connection().pttl(bridge.prefixed_key(item.key_for(str(key))))
    except redis.RedisError as exc:
        return _unchecked(limit, exc)
    return _refusal(limit, left_ms)


def _item(limit: str) -> RateLimitItemPerSecond:
    amount, period = settings.FLOWCAST[limit]
    return RateLimitItemPerSecond(amount, period, namespace=limit.lower())


def _refusal(limit: str, left_ms: int) -> Refusal:
    return Refusal(limit, max(1, math.ceil(left_ms / 1000)))


def _unchecked(limit: str, exc: Exception) -> None:
    log.warning("Abuse limit %s not checked, Redis failed: %s", limit, exc)


def ingest(ingestion_id: str, size: int) -> Refusal | None:
    """One request of `size` bytes to an API Ingestion: its request, then its byte budget."""
    return hit(INGEST_REQUESTS, ingestion_id) or hit(INGEST_BYTES, ingestion_id, cost=size)


def login_lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out login (AXES_LOCKOUT_CALLABLE): 429, Retry-After.

    The attempt that is answered this way restarted the cool-off (settings), so the whole
    cool-off is what the client has to wait.
    """
    seconds = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds()))
    minutes = math.ceil(seconds / 60)
    response = HttpResponse(
        "Too many failed logins for this username or from this address. "
        f"Try again in {minutes} minute{'s' if minutes != 1 else ''}.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(seconds)
    return response


@functools.lru_cache(maxsize=4)
def _limiter(url: str) -> FixedWindowRateLimiter:
    # The pool takes every URL form redis-py does (redis://, rediss://, unix://); the
    # storage's own URI then only names the kind of storage.
    pool = redis.ConnectionPool.from_url(
        url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
    )
    return FixedWindowRateLimiter(
        RedisStorage("redis://", connection_pool=pool, key_prefix=KEY_PREFIX)
    )


_async_limiters: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict] = (
    weakref.WeakKeyDictionary()
)


def _async_limiter(url: str) -> AsyncFixedWindowRateLimiter:
    """One per event loop: an asyncio connection pool belongs to the loop that made it.
    A storm of handshakes waits its turn for one of ASYNC_CONNECTIONS (the default pool
    refuses the 101st concurrent command)."""
    by_url = _async_limiters.setdefault(asyncio.get_running_loop(), {})
    if url not in by_url:
        pool = aioredis.BlockingConnectionPool.from_url(
            url,
            max_connections=ASYNC_CONNECTIONS,
            timeout=REDIS_TIMEOUT,
            socket_timeout=REDIS_TIMEOUT,
            socket_connect_timeout=REDIS_TIMEOUT,
        )
        storage = AsyncRedisStorage(
            "async+redis://", implementation="redispy", connection_pool=pool, key_prefix=KEY_PREFIX
        )
        by_url[url] = AsyncFixedWindowRateLimiter(storage)
    return by_url[url]
