"""The worker's side of flow control: publish a batch only when every web process is close.

The channel layer drops what it cannot deliver in time (Redis closes a subscriber whose
pub/sub buffer overflows). So each daphne process reports, per worker instance, the last
batch all its connections have handled (producer.credit_reporter); the worker keeps at most
WINDOW batches and WINDOW_BYTES in flight ahead of the slowest live process, and a burst is
paced instead of overflowing a buffer. Keys: pipelines.redis_keys (web, credit).
"""

from __future__ import annotations

import time
from collections import deque

import redis

from pipelines.redis_keys import credit_key, web_key
from producer.credit_reporter import FLUSH_SECONDS
from producer.inbox import INBOX_BYTES

WINDOW = 24  # batches a worker may publish ahead of the slowest process
# And bytes: with 2 KB records a window of 24 batches was 24 MB against a client's 4 MB
# inbox; a single reader that kept up saw its inbox overflow and ten holes repaired from
# Kafka per 50,000 records: 32k records/s, a third of the values bridge. With this window
# (and the inbox at 8 MB, so a few large batches are in flight) 80k, 0.85-0.88 of it, no
# holes. The rest of the inbox is room for progress notices and a second worker's batches.
WINDOW_BYTES = INBOX_BYTES * 3 // 4
LIVE_SECONDS = 5.0  # a process that has not reported this long is ignored
MAX_WAIT = 5.0  # never stall a stream longer than this on one process; repair covers the rest
RECHECK_AHEAD = WINDOW // 2  # batches past the last floor seen before Redis is asked again
FLOOR_SECONDS = 1.0  # and at least this often


class CreditGate:
    """Worker side: wait before publishing seq until every live process is close enough."""

    def __init__(self, client: redis.Redis | None, ingestion_id: str, worker: str):
        self.client, self.ingestion_id, self.worker = client, ingestion_id, worker
        self.waits = 0
        self.timeouts = 0
        self.checks = 0
        self._floor: int | None = None  # the slowest live process's ack, last seen
        self._floor_at = 0.0
        self._unacked: deque[tuple[int, int]] = deque()  # (seq, bytes) published past it
        self.bytes_ahead = 0  # their sum

    def lag(self, seq: int) -> int:
        """How many batches `seq` would be ahead of the slowest live process."""
        self.checks += 1
        pipe = self.client.pipeline(transaction=False)
        self.ask(pipe)
        self.answered(pipe.execute(), seq)
        return seq - self._floor

    def ask(self, pipe) -> None:
        """Add the look at the web processes' acks to a pipeline (the publish's own, so a
        batch and the next floor cost one round trip)."""
        pipe.hgetall(web_key(self.ingestion_id))
        pipe.hgetall(credit_key(self.ingestion_id, self.worker))

    def answered(self, replies: list, seq: int) -> None:
        """Take the floor from ask()'s two replies; `seq` is the floor when no live process
        has acknowledged anything of this worker yet."""
        beats, acks = replies
        now = time.time()
        live = [p for p, t in beats.items() if now - float(t) < LIVE_SECONDS]
        handled = [int(acks[p]) for p in live if p in acks]
        if handled:
            floor = min(handled)
        elif live:
            # Clients are there, unreported yet: the window runs from the last floor, or
            # from the start. Taken as "no one to wait for", a burst's first 65 batches
            # went out before daphne's first report (its loop busy with them) and the
            # inboxes dropped them.
            floor = seq - 1 if self._floor is None else self._floor
        else:
            floor = seq  # no one to wait for
        self._floor, self._floor_at = floor, time.monotonic()
        while self._unacked and self._unacked[0][0] <= self._floor:
            self.bytes_ahead -= self._unacked.popleft()[1]

    def published(self, seq: int, size: int) -> None:
        """Batch `seq` of `size` bytes went out: it counts against the window until acked."""
        self._unacked.append((seq, size))
        self.bytes_ahead += size

    def _too_many_bytes(self, size: int) -> bool:
        """Whether `size` more bytes would pass WINDOW_BYTES (one batch larger than the
        whole window still goes, alone, as the inbox takes it)."""
        return self.bytes_ahead > 0 and self.bytes_ahead + size > WINDOW_BYTES

    def wait_for(self, seq: int, stopping, size: int = 0) -> None:
        """Wait until batch `seq` of `size` bytes fits the window. A Redis round trip per
        batch added ~1 ms to every batch's latency; acks only move forward, so a batch well
        inside the window last seen needs no new look."""
        if self.client is None:
            return
        if (
            self._floor is not None
            and seq - self._floor <= RECHECK_AHEAD
            and self.bytes_ahead + size <= WINDOW_BYTES // 2
            and time.monotonic() - self._floor_at < FLOOR_SECONDS
        ):
            return
        deadline = time.monotonic() + MAX_WAIT
        pause = 0.002
        waited = False
        while (self.lag(seq) > WINDOW or self._too_many_bytes(size)) and not stopping():
            if time.monotonic() > deadline:
                self.timeouts += 1
                return
            waited = True
            time.sleep(pause)
            # Processes report every FLUSH_SECONDS: asking faster than that only burns
            # the CPU the web processes need.
            pause = min(pause * 2, FLUSH_SECONDS / 2)
        self.waits += waited
