"""Every Redis key Flowcast's processes share, and the one client the synchronous side uses.

Redis is where the processes of one deployment meet: workers, supervisors and web processes
never call each other. Keeping every key here shows a newcomer (or an operator with
`redis-cli --scan`) the whole shared state at once.

  flowcast:instance:<guid>:<instance>  str   a live instance's heartbeat (JSON, TTL 5 s)
  flowcast:webstats                    hash  web process → its stream counters (producer.metrics)
  flowcast:clients:<ingestion id>      hash  web process → [unix time, open sessions] (TTL 60 s)
  flowcast:web:<ingestion id>          hash  web process → last heartbeat (unix time)
  flowcast:credit:<ingestion id>:<w>   hash  web process → last batch seq handled from worker w
  flowcast:traffic:<guid>              hash  API Ingestion counters of a component
  flowcast:narrowed                    zset  pipeline id → last time its access narrowed (ms)
  flowcast:supervisors                 zset  supervisor id → expiry of its membership (ms)
  flowcast:slot:<guid>:<index>         str   id of the supervisor running that instance (PX)
  flowcast:scaling:<guid>:leader       str   "<id> <token>" of the supervisor deciding (PX)
  flowcast:scaling:fences              hash  guid → fencing token of the latest leader (INCR)
  flowcast:scaling:<guid>:count        hash  count, token: the decided count and its leader
  flowcast-limits*                     (limits' own layout) abuse-limit windows
"""

from __future__ import annotations

import functools

import redis
from django.conf import settings

INSTANCE_PREFIX = "flowcast:instance"
WEB_STATS = "flowcast:webstats"
TRAFFIC_PREFIX = "flowcast:traffic"
NARROWED = "flowcast:narrowed"
SUPERVISORS = "flowcast:supervisors"
FENCES = "flowcast:scaling:fences"
LIMITS_PREFIX = "flowcast-limits"


def instance_key(guid: str, instance_id: str) -> str:
    return f"{INSTANCE_PREFIX}:{guid}:{instance_id}"


def clients_key(ingestion_id: str) -> str:
    return f"flowcast:clients:{ingestion_id}"


def web_key(ingestion_id: str) -> str:
    return f"flowcast:web:{ingestion_id}"


def credit_key(ingestion_id: str, worker: str) -> str:
    return f"flowcast:credit:{ingestion_id}:{worker}"


def traffic_key(guid: str) -> str:
    return f"{TRAFFIC_PREFIX}:{guid}"


def slot_key(guid: str, index: int) -> str:
    return f"flowcast:slot:{guid}:{index}"


def leader_key(guid: str) -> str:
    return f"flowcast:scaling:{guid}:leader"


def count_key(guid: str) -> str:
    return f"flowcast:scaling:{guid}:count"


@functools.cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def client() -> redis.Redis | None:
    """The process's shared client, or None when no Redis is configured (single process)."""
    return _client(settings.REDIS_URL) if settings.REDIS_URL else None
