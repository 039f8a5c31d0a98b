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

import redis
import redis.asyncio as aioredis
from django.conf import settings

WINDOW = 8  # batches a worker may publish ahead of the slowest process
LIVE_SECONDS = 5.0  # a process that has not reported this long is ignored
MAX_WAIT = 5.0  # never stall a stream longer than this on one process; repair covers the rest
FLUSH_SECONDS = 0.02
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

    def lag(self, seq: int) -> int:
        """How many batches `seq` would be ahead of the slowest live process."""
        pipe = self.client.pipeline(transaction=False)
        pipe.hgetall(web_key(self.ingestion_id))
        pipe.hgetall(credit_key(self.ingestion_id, self.worker))
        beats, acks = pipe.execute()
        now = time.time()
        live = [p for p, t in beats.items() if now - float(t) < LIVE_SECONDS]
        handled = [int(acks[p]) for p in live if p in acks]
        return seq - min(handled) if handled else 0

    def wait_for(self, seq: int, stopping) -> None:
        if self.client is None:
            return
        deadline = time.monotonic() + MAX_WAIT
        waited = False
        while self.lag(seq) > WINDOW and not stopping():
            if time.monotonic() > deadline:
                self.timeouts += 1
                return
            waited = True
            time.sleep(0.002)
        self.waits += waited


class CreditReporter:
    """daphne side: one per process; connections note what they handled, a task reports it."""

    def __init__(self):
        self.handled: dict[tuple[str, str], dict[str, int]] = {}  # (id, worker) → channel → seq
        self.members: dict[str, set[str]] = {}  # ingestion id → channels in this process
        self.task: asyncio.Task | None = None
        self.client: aioredis.Redis | None = None

    def join(self, ingestion_id: str, channel: str) -> None:
        self.members.setdefault(ingestion_id, set()).add(channel)
        if self.task is None and settings.REDIS_URL:
            self.client = aioredis.Redis.from_url(settings.REDIS_URL)
            self.task = asyncio.get_running_loop().create_task(self._report_forever())

    def leave(self, ingestion_id: str, channel: str) -> None:
        self.members.get(ingestion_id, set()).discard(channel)
        for (iid, _worker), seqs in self.handled.items():
            if iid == ingestion_id:
                seqs.pop(channel, None)

    def note(self, ingestion_id: str, worker: str, channel: str, seq: int) -> None:
        self.handled.setdefault((ingestion_id, worker), {})[channel] = seq

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
        for ingestion_id, channels in self.members.items():
            if channels and beat:
                pipe.hset(web_key(ingestion_id), PROCESS, now)
            elif not channels:
                pipe.hdel(web_key(ingestion_id), PROCESS)
        for (ingestion_id, worker), seqs in self.handled.items():
            if seqs:
                pipe.hset(credit_key(ingestion_id, worker), PROCESS, min(seqs.values()))
                pipe.expire(credit_key(ingestion_id, worker), 60)
        await pipe.execute()
        return now if beat else last_beat


reporter = CreditReporter()
