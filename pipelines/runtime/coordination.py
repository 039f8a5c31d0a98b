"""Several supervisors share the instances and the scaling decisions through Redis leases.

Instance counts are totals across supervisors: each instance slot (component GUID, index)
is run by the one supervisor holding its lease, and each component's Intelligent Scaling is
decided by the one supervisor holding its leader lease. A lease lives LEASE_SECONDS unless
its holder renews it (every reconcile pass), so a dead supervisor's slots and leadership go
to the others by themselves.

Its Redis keys (this module is their only user) are listed in pipelines.redis_keys:
supervisors, slots, leaders, fences and counts.

Fencing: every acquisition of a leader lease takes a new token; a count is stored only with
the latest token, so a leader that paused past its lease cannot overwrite its successor.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import uuid
from collections.abc import Iterable, Mapping

import redis

from pipelines import redis_keys
from pipelines.redis_keys import FENCES, SUPERVISORS, count_key, leader_key, slot_key

log = logging.getLogger(__name__)

# Five reconcile passes at the default 1 s interval, so a slow pass or a slow Redis answer
# costs no lease, and the same 5 s after which a silent instance leaves the status
# (pipelines.runtime.heartbeats): a dead supervisor's instances restart elsewhere ~5 s after it
# died.
LEASE_SECONDS = 5.0
COUNT_KEEP_SECONDS = 86_400  # a decided count outlives every supervisor's restart


Key = tuple[str, int]  # (guid, instance index)


def supervisor_id() -> str:
    """Unique per process; host and pid first, so logs and tests can tell who holds what."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


# KEYS[1] supervisors; ARGV id, ttl ms. Redis time, so clocks of hosts never matter.
_JOIN = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return redis.call('ZCARD', KEYS[1])
"""

# KEYS[1] slot; ARGV id, ttl ms. Renew our own lease, or take it back if it lapsed unclaimed.
_RENEW = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""

# KEYS[1] slot; ARGV id. Delete it only while we hold it.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

# KEYS[1] leader, KEYS[2] fences; ARGV id, ttl ms, guid. Our token, or false (another leads).
_LEAD = """
local holder = redis.call('GET', KEYS[1])
if holder then
  local sep = string.find(holder, ' ', 1, true)
  if string.sub(holder, 1, sep - 1) ~= ARGV[1] then
    return false
  end
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(string.sub(holder, sep + 1))
end
local token = redis.call('HINCRBY', KEYS[2], ARGV[3], 1)
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. token, 'PX', ARGV[2])
return token
"""

# KEYS[1] leader; ARGV id. Delete it only while we lead.
_RESIGN = """
local holder = redis.call('GET', KEYS[1])
if holder and string.sub(holder, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. ' ' then
  return redis.call('DEL', KEYS[1])
end
return 0
"""

# KEYS[1] count, KEYS[2] fences; ARGV count, token, guid, keep ms. 1 stored, 0 refused.
_PUBLISH = """
local token = tonumber(ARGV[2])
local latest = tonumber(redis.call('HGET', KEYS[2], ARGV[3]) or '0')
local stored = tonumber(redis.call('HGET', KEYS[1], 'token') or '0')
if token < stored or token ~= latest then
  return 0
end
redis.call('HSET', KEYS[1], 'count', ARGV[1], 'token', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
"""


def for_settings() -> Coordinator:
    """Leases in the shared Redis when REDIS_URL is set; else this supervisor owns everything."""
    client = redis_keys.client()
    return LocalCoordinator() if client is None else RedisCoordinator(client)


class LocalCoordinator:
    """A lone supervisor without Redis: it runs every slot and decides every count."""

    def __init__(self):
        self.held: set[Key] = set()

    def claim(self, want: Mapping[Key, int]) -> set[Key]:
        self.held = set(want)
        return set(want)

    def settle(self, keep: set[Key]) -> None:
        self.held = set(keep)

    def lead(self, guid: str) -> int | None:
        return 0

    def publish(self, guid: str, count: int, token: int) -> bool:
        return True

    def stored_count(self, guid: str) -> int | None:
        return None

    def resign(self, guid: str) -> None:
        pass

    def leave(self) -> None:
        self.held = set()


class RedisCoordinator:
    """One supervisor's leases in the shared Redis: slots to run and components to scale."""

    def __init__(self, client: redis.Redis, ttl: float = LEASE_SECONDS, me: str | None = None):
        self.client = client
        self.me = me or supervisor_id()
        self.ttl_ms = int(ttl * 1000)
        self.held: set[Key] = set()
        self.leading: set[str] = set()
        self._join = client.register_script(_JOIN)
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)
        self._resign = client.register_script(_RESIGN)
        self._lead = client.register_script(_LEAD)
        self._publish = client.register_script(_PUBLISH)

    def claim(self, want: Mapping[Key, int]) -> set[Key]:
        """The slots to run this pass: those still held, then free ones up to a fair share.

        A fair share is the component's wanted count over the live supervisors, rounded up;
        slots held beyond it (another supervisor joined) are not returned, so the caller
        stops their instances and settle() hands them over.
        """
        members = self._join(keys=[SUPERVISORS], args=[self.me, self.ttl_ms])
        self.held = self._renewed(self.held)
        by_guid: dict[str, list[Key]] = {}
        for key in sorted(want):
            by_guid.setdefault(key[0], []).append(key)
        run: set[Key] = set()
        for keys in by_guid.values():
            share = math.ceil(len(keys) / max(int(members), 1))
            mine = [k for k in keys if k in self.held][:share]
            run.update(mine)
            free = [k for k in keys if k not in self.held]
            if len(mine) < share and free:
                run.update(self._take(free, share - len(mine)))
        return run

    def settle(self, keep: set[Key]) -> None:
        """Give up held slots outside `keep` (their instances have stopped); renew the rest."""
        pipe = self.client.pipeline(transaction=False)
        for key in self.held - keep:
            self._release(keys=[slot_key(*key)], args=[self.me], client=pipe)
        pipe.execute()
        self.held = self._renewed(self.held & keep)

    def lead(self, guid: str) -> int | None:
        """Our fencing token while we decide the scaling of `guid`; None: another does."""
        token = self._lead(keys=[leader_key(guid), FENCES], args=[self.me, self.ttl_ms, guid])
        if token is None:
            self.leading.discard(guid)
            return None
        self.leading.add(guid)
        return int(token)

    def publish(self, guid: str, count: int, token: int) -> bool:
        """Store the decided count; False if a newer leader took over (token is stale)."""
        keep_ms = COUNT_KEEP_SECONDS * 1000
        args = [count, token, guid, keep_ms]
        return bool(self._publish(keys=[count_key(guid), FENCES], args=args))

    def stored_count(self, guid: str) -> int | None:
        count = self.client.hget(count_key(guid), "count")
        return None if count is None else int(count)

    def resign(self, guid: str) -> None:
        self._resign(keys=[leader_key(guid)], args=[self.me])
        self.leading.discard(guid)

    def leave(self) -> None:
        """Hand everything over at once (a clean stop): nobody waits for our leases to lapse."""
        self.settle(set())
        for guid in list(self.leading):
            self.resign(guid)
        self.client.zrem(SUPERVISORS, self.me)

    def _renewed(self, keys: Iterable[Key]) -> set[Key]:
        keys = sorted(keys)
        if not keys:
            return set()
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            self._renew(keys=[slot_key(*key)], args=[self.me, self.ttl_ms], client=pipe)
        lost = [key for key, ok in zip(keys, pipe.execute(), strict=True) if not ok]
        if lost:
            log.warning("Slots %s are held by another supervisor now", lost)
        return {key for key in keys if key not in lost}

    def _take(self, free: list[Key], wanted: int) -> list[Key]:
        holders = self.client.mget([slot_key(*key) for key in free])
        taken = []
        for key, current in zip(free, holders, strict=True):
            if len(taken) == wanted:
                break
            key_name = slot_key(*key)
            if current is None and self.client.set(key_name, self.me, nx=True, px=self.ttl_ms):
                taken.append(key)
                self.held.add(key)
        return taken


Coordinator = LocalCoordinator | RedisCoordinator


def holder(key: str, client: redis.Redis) -> str | None:
    """Who holds a slot or leader lease (its supervisor id), for status and tests."""
    value = client.get(key)
    return None if value is None else value.decode().split(" ")[0]
