"""What waits for one WebSocket client: group messages, bounded in number and in bytes.

A client that is behind (its socket full, or a repair running) queues the hub's messages
here. The bound is what keeps a stalled client's cost fixed: a batch queued here is
usually shared with the other clients, but once they have sent it, only this queue keeps
its bytes alive. So the oldest batch or progress notice is dropped to make room; the
client's cursor sees the hole when the next batch is handled and repairs it from Kafka.
Notices (a close, the slow mark) are never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from producer import metrics

DROPPABLE = ("stream.batch", "stream.progress")  # Kafka gives these back, or the next repeats
# A connection's bounds. The worker's credit window stays inside them (producer.credit_gate),
# so a reader that keeps up is paced, never dropped and repaired.
INBOX = 48  # messages held while a repair runs; older batches are dropped (repaired later)
# And their frames' bytes: a stalled client's fixed cost (the batches are shared with the
# clients that keep up). 8 MB, not 4: the worker's byte window is three quarters of it, and
# 3 MB in flight held a 2 KB-record stream to 3 batches.
INBOX_BYTES = 8 * 1024 * 1024
# A client the stream no longer waits for (stuck past producer.slow_clients.PACE_SECONDS)
# keeps this much: the stream then runs at full speed past it, and whatever it holds is
# only the part of its hole it need not read back from Kafka. With the whole 8 MB a stalled
# client cost daphne 10 MB in the benchmark's stall case (the target is 10); now 4.
RELEASED_BYTES = INBOX_BYTES // 4


def size(message: dict) -> int:
    """Bytes a queued message keeps alive: its framed batch, if it has one."""
    wire = message.get("wire")
    return len(wire) if wire is not None else 0


class Inbox:
    __slots__ = ("_queue", "bytes", "max_bytes", "max_messages")  # one per connection

    def __init__(self, max_messages: int, max_bytes: int):
        self.max_messages = max_messages
        self.max_bytes = max_bytes
        self.bytes = 0
        self._queue: list[dict] = []  # short; an empty deque holds ~0.7 KB per client

    def __len__(self) -> int:
        return len(self._queue)

    def __iter__(self) -> Iterator[dict]:
        return iter(self._queue)

    def __contains__(self, message: object) -> bool:
        return message in self._queue

    def first(self) -> dict:
        return self._queue[0]

    def push(self, message: dict, max_bytes: int | None = None) -> None:
        """Queue a message after dropping the oldest droppable ones it needs room from,
        within `max_bytes` if given (a released client's smaller bound) or the inbox's own.
        A message bigger than the whole bound still goes in alone: the client must be able
        to get any one batch."""
        need = size(message)
        bound = self.max_bytes if max_bytes is None else min(max_bytes, self.max_bytes)
        while self._queue and (len(self._queue) >= self.max_messages or self.bytes + need > bound):
            oldest = next((m for m in self._queue if m["type"] in DROPPABLE), None)
            if oldest is None:
                break
            self._remove(oldest)
            if oldest["type"] == "stream.batch":
                metrics.count("batches_dropped")
        self._queue.append(message)
        self.bytes += need

    def popleft(self) -> dict:
        message = self._queue.pop(0)
        self.bytes -= size(message)
        return message

    def take_if(self, wanted: Callable[[dict], bool]) -> list[dict]:
        """Remove and return the messages `wanted` picks, in order; the rest stay queued."""
        taken = [m for m in self._queue if wanted(m)]
        kept = [m for m in self._queue if not wanted(m)]
        self._queue = kept
        self.bytes = sum(size(m) for m in kept)
        return taken

    def clear(self) -> None:
        self._queue.clear()
        self.bytes = 0

    def _remove(self, message: dict) -> None:
        self._queue.remove(message)  # the oldest: found first, by identity
        self.bytes -= size(message)
