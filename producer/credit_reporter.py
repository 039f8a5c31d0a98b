"""The web process's side of flow control: what its connections handled, reported to Redis.

One reporter per daphne process: connections note the batches they handled, a task reports
the lowest acknowledged batch per worker every FLUSH_SECONDS (read by producer.credit_gate),
and once a second the process's heartbeat, stream counters and client counts. Keys:
pipelines.redis_keys (web, credit, clients, webstats).
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import Callable

import orjson
import redis.asyncio as aioredis
from django.conf import settings

from pipelines.redis_keys import WEB_STATS, clients_key, credit_key, web_key
from producer import metrics
from producer.slow_clients import CROWD, Connection

FLUSH_SECONDS = 0.02
PROCESS = f"{socket.gethostname()}-{os.getpid()}"


class CreditReporter:
    """daphne side: one per process; connections note what they handled, a task reports it."""

    def __init__(self):
        self.connections: set[Connection] = set()
        self.task: asyncio.Task | None = None
        self.client: aioredis.Redis | None = None
        self._reported: set[str] = set()  # producers this process has announced itself for
        self._credited: set[tuple[str, str]] = set()  # (producer, worker) acks it reported
        # The last acks() and whether it must be worked out again: only after a connection
        # noted a batch or left, or while one was behind (its grace runs). An idle
        # process with 5,000 clients then costs nothing every FLUSH_SECONDS.
        self._lowest: dict[tuple[str, str], int] = {}
        self._stale = True

    def join(
        self,
        ingestion_id: str,
        stuck_since: Callable[[], float | None],
        backlogged: Callable[[], bool],
    ) -> Connection:
        connection = self.add(Connection(ingestion_id, stuck_since, backlogged))
        if self.task is None and settings.REDIS_URL:
            self.client = aioredis.Redis.from_url(settings.REDIS_URL)
            self.task = asyncio.get_running_loop().create_task(self._report_forever())
        return connection

    def add(self, connection: Connection) -> Connection:
        """Count a connection in (join() makes one for a socket; tests add their own). It has
        acknowledged nothing yet, so the last acks() still hold: a storm of handshakes does
        not make every report walk every connection."""
        connection.changed = self._changed
        self.connections.add(connection)
        return connection

    def leave(self, connection: Connection) -> None:
        self.connections.discard(connection)
        self._stale = True

    def _changed(self) -> None:
        self._stale = True

    def acks(self) -> dict[tuple[str, str], int]:
        """(ingestion id, worker) → the last seq every connection here acknowledged.

        Runs every FLUSH_SECONDS over every connection of the process (500 in a 1000-client
        benchmark) when anything changed: each socket's state is read once."""
        if not self._stale:
            return self._lowest
        now = time.monotonic()
        stuck = {c: c.stuck_since() for c in self.connections}
        crowded = self._crowded(stuck)
        lowest: dict[tuple[str, str], int] = {}
        behind = False
        for connection, stuck_since in stuck.items():
            # A stuck client is judged even with nothing new to ack, so the grace ends on time.
            if connection.acked != connection.arrived or (
                stuck_since is not None and not connection.slow
            ):
                connection.judge(now, stuck_since, connection.ingestion_id in crowded)
            behind = behind or stuck_since is not None or connection.acked != connection.arrived
            ingestion_id = connection.ingestion_id
            for worker, seq in connection.acked.items():
                key = (ingestion_id, worker)
                low = lowest.get(key)
                if low is None or seq < low:
                    lowest[key] = seq
        self._lowest, self._stale = lowest, behind or bool(crowded)
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
        acks = self.acks()
        for (ingestion_id, worker), seq in acks.items():
            pipe.hset(credit_key(ingestion_id, worker), PROCESS, seq)
            pipe.expire(credit_key(ingestion_id, worker), 60)
        # Its last client gone, a producer's acks here go too. Left to expire (a minute),
        # a client coming back found the process live again with an ack far behind the
        # worker: the worker held the stream until that client acked its first batch
        # (tens of ms on `make run`; as long as that batch takes to reach the client).
        for ingestion_id, worker in self._credited - acks.keys():
            pipe.hdel(credit_key(ingestion_id, worker), PROCESS)
        self._credited = set(acks)
        await pipe.execute()
        return now if beat else last_beat


reporter = CreditReporter()
