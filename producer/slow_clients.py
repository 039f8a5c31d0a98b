"""When one slow client stops holding a stream back, and when it is given up on.

Each WebSocket connection acknowledges the batches it took; the acknowledgements pace the
worker (producer.credit_gate). This module is the policy for a client that does not drain:
pace everyone for a while, then stop waiting for it, then skip it (DESIGN §6, slow clients).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

from producer import metrics

PACE_SECONDS = 0.5  # longest one stuck client holds the stream back (outside a crowd)
CROWD = 4  # below this many connections, one stuck client is not "most of them"


@dataclass(eq=False, slots=True)  # one per socket, kept in a set by identity
class Connection:
    """One WebSocket's place in the flow: what it handled, what it acknowledged, if slow."""

    ingestion_id: str
    # Since when the socket has held all it may without draining once (monotonic s), or
    # None. Continuous, not sampled: a client that drains between batches is never "behind".
    stuck_since: Callable[[], float | None]
    # Whether the connection is working through a backlog (queued batches, a repair): it
    # then handles batches on arrival without sending them yet.
    backlogged: Callable[[], bool] = lambda: False
    arrived: dict[str, int] = field(default_factory=dict)  # worker → last seq that came in
    handled: dict[str, int] = field(default_factory=dict)  # worker → last seq sent or skipped
    # worker → last seq acknowledged. From its first batch of a worker on, a connection
    # acknowledges all that came before it (it never needed those): queue() sets it, or
    # judge() from what was sent, even in a crowd. Without that, clients behind from
    # their first batch (a burst into clients that had just connected: a crowd, whose
    # acks are held) reported no ack at all, which the worker reads as "no process to
    # wait for": it published 124 batches unpaced, the inboxes dropped most of them, and
    # 100 clients repaired from Kafka at a tenth of the usual rate.
    acked: dict[str, int] = field(default_factory=dict)
    # Since when batches wait in the inbox with none sent (monotonic s), or None: the
    # inbox's counterpart of stuck_since, reset by every batch sent.
    queued_since: float | None = None
    slow: bool = False
    # The stream no longer waits for it (behind past PACE_SECONDS, or slow): its inbox
    # keeps less (producer.inbox.RELEASED_BYTES). As of the last judge().
    released: bool = False
    # Called on every note(): the reporter's "something changed since the last report".
    changed: Callable[[], None] = lambda: None

    def note(self, worker: str, seq: int) -> None:
        """Batch `seq` of `worker` came in and was sent (or skipped) at once."""
        self.arrived[worker] = self.handled[worker] = seq
        if self.queued_since is not None and self.handled == self.arrived:
            self.queued_since = None  # what waited was skipped with it
        self.changed()

    def queue(self, worker: str, seq: int) -> None:
        """Batch `seq` came in and waits in the inbox: not acknowledged until sent().

        Acknowledging on arrival let a client whose socket had just drained vouch for
        the batches still queued behind it; the worker then sent a window more and the
        inbox overflowed (a 1-client burst: holes, repairs from Kafka, half the rate)."""
        self.arrived[worker] = seq
        self.acked.setdefault(worker, seq - 1)  # see `acked` (off the inline path)
        if self.queued_since is None:
            self.queued_since = time.monotonic()
        self.changed()

    def sent(self, worker: str, seq: int) -> None:
        """A queued batch was sent, or skipped, or a later one was (a dropped one is a
        hole: repaired before the batch that reveals it is sent). A queue that moves
        keeps pacing the stream, as a socket that drains does."""
        if seq > self.handled.get(worker, -1):
            self.handled[worker] = seq
        self.queued_since = None if self.handled == self.arrived else time.monotonic()
        self.changed()

    def evaluate(self, now: float, crowded: bool = False) -> None:
        """Acknowledge what was sent to the socket; stop waiting for a client that is stuck
        (its socket full, or its inbox not moving) after PACE_SECONDS, give up on a stuck
        socket after GRACE.

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
            for worker, seq in self.handled.items():  # held, yet reported: see `acked`
                self.acked.setdefault(worker, seq)
            self.released = False
            return
        behind_since = min(
            (t for t in (stuck_since, self.queued_since) if t is not None), default=None
        )
        released = behind_since is not None and (self.slow or now - behind_since > PACE_SECONDS)
        if released and not self.released and not self.slow:
            metrics.count("pace_released")  # once per release: its inbox may drop from now on
        self.released = released
        if released or behind_since is None:
            self.acked.update(self.arrived)
        else:
            self.acked.update(self.handled)
        if stuck_since is not None and now - stuck_since > settings.FLOWCAST["SLOW_CLIENT_GRACE"]:
            self.slow = True
            metrics.count("clients_marked_slow")
