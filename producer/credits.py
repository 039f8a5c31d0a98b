"""Credit-based flow control between a producer's worker and the daphne processes.

The channel layer drops what it cannot deliver in time (Redis closes a subscriber whose
pub/sub buffer overflows). So each daphne process reports, per worker instance, the last
batch all its connections have handled; the worker keeps at most WINDOW batches in flight
ahead of the slowest live process, and a burst is paced instead of overflowing a buffer.

Redis keys, per producer (ingestion id):
  flowcast:web:<id>          hash  process → last heartbeat (unix time)
  flowcast:credit:<id>:<w>   hash  process → last batch seq handled from worker w
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson
import redis
import redis.asyncio as aioredis
from django.conf import settings

from pipelines.instances import WEB_STATS, clients_key
from producer import metrics

WINDOW = 24  # batches a worker may publish ahead of the slowest process
LIVE_SECONDS = 5.0  # a process that has not reported this long is ignored
MAX_WAIT = 5.0  # never stall a stream longer than this on one process; repair covers the rest
FLUSH_SECONDS = 0.02
RECHECK_AHEAD = WINDOW // 2  # batches past the last floor seen before Redis is asked again
FLOOR_SECONDS = 1.0  # and at least this often
PACE_SECONDS = 0.5  # longest one stuck client holds the stream back (outside a crowd)
CROWD = 4  # below this many connections, one stuck client is not "most of them"
PROCESS = f"{socket.gethostname()}-{os.getpid()}"


def web_key(ingestion_id: str) -> str:
    return f"flowcast:web:{ingestion_id}"


def credit_key(ingestion_id: str, worker: str) -> str:
    return f"flowcast:credit:{ingestion_id}:{worker}"


class CreditGate:
    """Worker side: wait before publishing seq until every live process is close enough."""

    def __init__(self, client: redis.Redis | None, ingestion_id: str, worker: str):
        self.client, self.ingestion_id, self.worker = client, ingestion_id, worker
        self.waits = 0
        self.timeouts = 0
        self.checks = 0
        self._floor: int | None = None  # the slowest live process's ack, last seen
        self._floor_at = 0.0

    def lag(self, seq: int) -> int:
        """How many batches `seq` would be ahead of the slowest live process."""
        self.checks += 1
        pipe = self.client.pipeline(transaction=False)
        pipe.hgetall(web_key(self.ingestion_id))
        pipe.hgetall(credit_key(self.ingestion_id, self.worker))
        beats, acks = pipe.execute()
        now = time.time()
        live = [p for p, t in beats.items() if now - float(t) < LIVE_SECONDS]
        handled = [int(acks[p]) for p in live if p in acks]
        self._floor, self._floor_at = (min(handled) if handled else seq), time.monotonic()
        return seq - self._floor

    def wait_for(self, seq: int, stopping) -> None:
        """A Redis round trip per batch added ~1 ms to every batch's latency; acks only move
        forward, so a seq well inside the window last seen needs no new look."""
        if self.client is None:
            return
        if (
            self._floor is not None
            and seq - self._floor <= RECHECK_AHEAD
            and time.monotonic() - self._floor_at < FLOOR_SECONDS
        ):
            return
        deadline = time.monotonic() + MAX_WAIT
        pause = 0.002
        waited = False
        while self.lag(seq) > WINDOW and not stopping():
            if time.monotonic() > deadline:
                self.timeouts += 1
                return
            waited = True
            time.sleep(pause)
            # Processes report every FLUSH_SECONDS: asking faster than that only burns
            # the CPU the web processes need.
            pause = min(pause * 2, FLUSH_SECONDS / 2)
        self.waits += waited


@dataclass(eq=False)  # one per socket, kept in a set by identity
class Connection:
    """One WebSocket's place in the flow: what it handled, what it acknowledged, if slow."""

    ingestion_id: str
    # Since when the socket has held all it may without draining once (monotonic s), or
    # None. Continuous, not sampled: a client that drains between batches is never "behind".
    stuck_since: Callable[[], float | None]
    # Whether the connection is working through a backlog (queued batches, a repair): it
    # then handles batches on arrival without sending them yet.
    backlogged: Callable[[], bool] = lambda: False
    handled: dict[str, int] = field(default_factory=dict)  # worker → last seq handled
    acked: dict[str, int] = field(default_factory=dict)  # worker → last seq acknowledged
    slow: bool = False

    def note(self, worker: str, seq: int) -> None:
        """The socket took batch `seq` of `worker` (or skipped it): judged at the next report."""
        self.handled[worker] = seq

    def evaluate(self, now: float, crowded: bool = False) -> None:
        """Acknowledge what the socket took; stop waiting for a stuck client after
        PACE_SECONDS, give up on it after GRACE.

        Holding acks back while a client's socket is full is what paces the worker to the
        clients (not just to daphne), which rides out a hiccup. A client whose socket has
        not drained once for PACE_SECONDS stops holding the others back; it keeps its
        place (bounded inbox, holes repaired from Kafka when it drains) until GRACE, then
        it is skipped and told with a gap. In a crowd (most of its peers stuck too) the
        server or the network is what is slow: everyone is paced, nobody skipped. Behind
        counts connections working through a backlog too: when most of them repair at
        once, a stream going on at full speed overflows their inboxes again while they
        repair, and the repairs feed on themselves.
        """
        self.judge(now, self.stuck_since(), crowded)

    def judge(self, now: float, stuck_since: float | None, crowded: bool) -> None:
        """evaluate(), with the socket's state already read."""
        if crowded and not self.slow and (stuck_since is not None or self.backlogged()):
            return
        if self.slow or stuck_since is None:
            self.acked.update(self.handled)
            return
        stuck_for = now - stuck_since
        if stuck_for > PACE_SECONDS:
            self.acked.update(self.handled)
        if stuck_for > settings.FLOWCAST["SLOW_CLIENT_GRACE"]:
            self.slow = True
            metrics.count("clients_marked_slow")


class CreditReporter:
    """daphne side: one per process; connections note what they handled, a task reports it."""

    def __init__(self):
        self.connections: set[Connection] = set()
        self.task: asyncio.Task | None = None
        self.client: aioredis.Redis | None = None
        self._reported: set[str] = set()  # producers this process has announced itself for

    def join(
        self,
        ingestion_id: str,
        stuck_since: Callable[[], float | None],
        backlogged: Callable[[], bool],
    ) -> Connection:
        connection = Connection(ingestion_id, stuck_since, backlogged)
        self.connections.add(connection)
        if self.task is None and settings.REDIS_URL:
            self.client = aioredis.Redis.from_url(settings.REDIS_URL)
            self.task = asyncio.get_running_loop().create_task(self._report_forever())
        return connection

    def leave(self, connection: Connection) -> None:
        self.connections.discard(connection)

    def acks(self) -> dict[tuple[str, str], int]:
        """(ingestion id, worker) → the last seq every connection here acknowledged.

        Runs every FLUSH_SECONDS over every connection of the process (500 in a 1000-client
        benchmark): each socket's state is read once."""
        now = time.monotonic()
        stuck = {c: c.stuck_since() for c in self.connections}
        crowded = self._crowded(stuck)
        lowest: dict[tuple[str, str], int] = {}
        for connection, stuck_since in stuck.items():
            # A stuck client is judged even with nothing new to ack, so the grace ends on time.
            if connection.acked != connection.handled or (
                stuck_since is not None and not connection.slow
            ):
                connection.judge(now, stuck_since, connection.ingestion_id in crowded)
            ingestion_id = connection.ingestion_id
            for worker, seq in connection.acked.items():
                key = (ingestion_id, worker)
                low = lowest.get(key)
                if low is None or seq < low:
                    lowest[key] = seq
        return lowest

    def _crowded(self, stuck: dict[Connection, float | None] | None = None) -> set[str]:
        """Producers with at least CROWD connections here, more than half of them behind
        (stuck, or working through a backlog)."""
        if stuck is None:
            stuck = {c: c.stuck_since() for c in self.connections}
        total: dict[str, int] = {}
        behind: dict[str, int] = {}
        for connection, stuck_since in stuck.items():
            total[connection.ingestion_id] = total.get(connection.ingestion_id, 0) + 1
            if stuck_since is not None or connection.backlogged():
                behind[connection.ingestion_id] = behind.get(connection.ingestion_id, 0) + 1
        return {i for i, n in behind.items() if total[i] >= CROWD and 2 * n > total[i]}

    async def _report_forever(self) -> None:
        last_beat = 0.0
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            try:
                last_beat = await self._report(last_beat)
            except Exception:  # Redis away: workers then ignore this process after LIVE_SECONDS
                await asyncio.sleep(1)

    async def _report(self, last_beat: float) -> float:
        pipe = self.client.pipeline(transaction=False)
        now = time.time()
        beat = now - last_beat > 1.0
        if beat:
            pipe.hset(WEB_STATS, PROCESS, orjson.dumps(metrics.snapshot()))
            live = {c.ingestion_id for c in self.connections}
            counts: dict[str, int] = {}
            for connection in self.connections:
                counts[connection.ingestion_id] = counts.get(connection.ingestion_id, 0) + 1
            for ingestion_id in live | self._reported:
                if ingestion_id in live:
                    pipe.hset(web_key(ingestion_id), PROCESS, now)
                else:
                    pipe.hdel(web_key(ingestion_id), PROCESS)
                pipe.hset(
                    clients_key(ingestion_id),
                    PROCESS,
                    orjson.dumps([now, counts.get(ingestion_id, 0)]),
                )
                pipe.expire(clients_key(ingestion_id), 60)
            self._reported = live
        for (ingestion_id, worker), seq in self.acks().items():
            pipe.hset(credit_key(ingestion_id, worker), PROCESS, seq)
            pipe.expire(credit_key(ingestion_id, worker), 60)
        await pipe.execute()
        return now if beat else last_beat


reporter = CreditReporter()
