"""One WebSocket client's place in a stream, as plain decisions: events in, actions out.

The Channels consumer (producer.consumer) is the adapter: it feeds the hub's messages and
the repair reader's results in, carries the actions out (socket writes, Kafka reads, a
close) and knows nothing of cursors. No Django, no asyncio, no I/O here, so every rule
(in step, hole, overlap, slow, gap, reconfigure) is table-tested on its own.

- `arrive()` is the hub's hot path: the usual batch, in step with the client and a socket
  with room, is written on the spot; anything else is queued in the bounded inbox.
- `next_action()` works through the queue one action at a time: a repair is a `Read`
  whose result comes back through `repaired()`, which decides the writes it leads to.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from producer import metrics
from producer.cursor import Cursor
from producer.frames import trim
from producer.inbox import RELEASED_BYTES, Inbox

SLOW_MARK = {"type": "stream.slow"}  # queued once while batches are skipped for a slow client


@dataclass(frozen=True)
class Write:
    """Frames for the socket: `wire` is a batch framed once for every client (sent as
    is), `frames` are single text frames to frame for this client."""

    wire: bytes | None = None
    frames: tuple = ()


@dataclass(frozen=True)
class Read:
    """Read offsets [start, end] of a partition back from Kafka; the result goes to
    `repaired()`."""

    partition: int
    start: int
    end: int


@dataclass(frozen=True)
class Close:
    code: int
    reason: str


@dataclass(frozen=True)
class WaitWritable:
    """Nothing can be decided until the socket has room again."""


@dataclass(frozen=True)
class Recheck:
    """Ask whether the session's user may still view the pipeline; close it if not."""


Action = Write | Read | Close | WaitWritable | Recheck
URGENT = ("stream.close", "stream.recheck")  # handled even while the socket is full


class StreamSession:
    # Slots: one per connection, thousands per web process (a dict each was ~0.3 KB more).
    __slots__ = (
        "actions",
        "announced",
        "auth_kind",
        "cursor",
        "draining",
        "flow",
        "frame_format",
        "inbox",
        "missed",
        "rechecks",
        "shared_frames",
    )

    def __init__(
        self,
        cursor: Cursor,
        flow,
        inbox: Inbox,
        *,
        auth_kind: str,
        frame_format: str,
        shared_frames: bool = True,
        rechecks: bool = False,
    ):
        self.cursor = cursor
        self.flow = flow  # producer.slow_clients.Connection: `slow`, `note/queue/sent()`
        self.inbox = inbox
        self.auth_kind = auth_kind  # which credential opened it: decides which closes apply
        self.frame_format = frame_format
        self.shared_frames = shared_frames  # False: plain ASGI sends, no pre-framed bytes
        self.rechecks = rechecks  # a user's session (cookie, or a token minted for them)
        self.missed: dict[int, list[int]] = {}  # partition → [first, last] skipped while slow
        # Decided, not yet carried out. A list: usually empty, and an empty deque holds a
        # 64-slot block (~0.7 KB) for each of thousands of connections.
        self.actions: list[Action] = []
        self.announced = 0  # partitions in the last position notice
        self.draining = False  # the adapter is working through the queue

    # --- Arrival: the hub's hot path ------------------------------------------------------

    def arrive(self, message: dict, blocked: bool) -> bytes | None:
        """A group message reached this client: the framed batch to write now, or None
        (handled, or queued: the adapter drains while `pending()`). Bytes, not a Write:
        this runs per client and batch, and an object each would cost more than the rest."""
        if not self.draining and not self.actions and self._in_step(message, blocked):
            return message["wire"] if message["type"] == "stream.batch" else None
        kind = message["type"]
        if kind == "stream.recheck" and not self.rechecks:
            return None  # a secret decides alone: nothing to check again
        self.cursor.place(message.get("due", ()))  # on arrival: see Cursor.place
        if kind == "stream.close":
            self.inbox.clear()  # nothing else matters to a session being closed
        elif kind == "stream.batch":
            if self.flow.slow and blocked:
                self.flow.note(message["w"], message["seq"])
                self._skip_queued()
                self._skip(message["covers"])
                if SLOW_MARK in self.inbox:
                    return None
                message = SLOW_MARK  # the drain sends the gap notice once the socket has room
            else:
                self.flow.queue(message["w"], message["seq"])
        self.inbox.push(message, RELEASED_BYTES if self.flow.released else None)
        return None

    def _in_step(self, message: dict, blocked: bool) -> bool:
        """The client is reading, has no hole and no overlap: handle the message inline."""
        if not self.shared_frames or blocked or self.flow.slow:
            return False
        if message["type"] == "stream.progress":
            if self.cursor.tail_holes(message["last"]):
                return False
            self.cursor.place(message["due"])
            return True
        if message["type"] != "stream.batch" or not self.cursor.extend(message["covers"]):
            return False
        self.flow.note(message["w"], message["seq"])
        return True

    # --- The queue ------------------------------------------------------------------------

    def pending(self) -> bool:
        return bool(self.actions or self.inbox)

    def next_action(self, blocked: bool) -> Action | None:
        """The next thing to do, or None when everything queued is done."""
        while not self.actions:
            if not self.inbox:
                return None
            if blocked and self.inbox.first()["type"] not in URGENT:
                return WaitWritable()
            self._plan(self.inbox.popleft(), blocked)
        action = self.actions.pop(0)
        if isinstance(action, _Deliver):
            return self._deliver(action.message) or self.next_action(blocked)
        if isinstance(action, Read) and self.flow.slow:
            # Found slow meanwhile: the rest of the hole is not read (the skipped batches'
            # gap notice tells the client what it missed).
            return self.next_action(blocked)
        return action

    def _plan(self, message: dict, blocked: bool) -> None:
        kind = message["type"]
        if kind == "stream.close":
            kinds = message.get("auth_kinds")
            if kinds is None or self.auth_kind in kinds:
                self.actions.append(Close(message["code"], message.get("reason", "")))
            return
        if kind == "stream.recheck":
            self.actions.append(Recheck())
            return
        if self._too_slow(message.get("covers", []), blocked):
            if kind == "stream.batch":
                self.flow.sent(message["w"], message["seq"])
            return
        if kind == "stream.batch":
            holes = self.cursor.holes(message["covers"])
            self.actions.extend(Read(h.partition, h.start, h.end) for h in holes)
            metrics.count("holes_repaired", len(holes))
            self.actions.append(_Deliver(message))
        elif kind == "stream.progress":
            holes = self.cursor.tail_holes(message["last"])
            self.actions.extend(Read(h.partition, h.start, h.end) for h in holes)
            metrics.count("holes_repaired", len(holes))

    def _deliver(self, message: dict) -> Write | None:
        """A queued batch, once its holes are repaired: whole, or minus what the client has."""
        covers = message["covers"]
        if self.cursor.overlaps(covers):
            write = self._fresh(message["frames"], message["ids"], None)
        elif self.shared_frames:
            write = Write(message["wire"])
        else:
            write = Write(frames=tuple(message["frames"]))
        self.cursor.advance_all(covers)
        self.flow.sent(message["w"], message["seq"])
        return write

    # --- Repairs --------------------------------------------------------------------------

    def repaired(self, read: Read, repair) -> None:
        """A chunk of a hole came back from Kafka (producer.repair.Repair): send it, say
        what Kafka no longer has, and read on unless the client was found slow."""
        first: list[Action] = []
        if repair.lost_before is not None:
            lost = {read.partition: [read.start, repair.lost_before - 1]}
            first += self._gap("retention_or_limit", lost)
            self.cursor.advance(read.partition, repair.lost_before - 1)
        batch = repair.batch
        write = self._fresh(batch.frames, batch.ids, batch.wire)
        if write is not None:
            first.append(write)
        self.cursor.advance(read.partition, repair.last)
        if repair.last < read.end and not self.flow.slow:
            first.append(Read(read.partition, repair.last + 1, read.end))
        self.actions[:0] = first

    # --- Slow clients and gaps ------------------------------------------------------------

    def _too_slow(self, covers: list[list[int]], blocked: bool) -> bool:
        """While the client is marked slow, skip its batches; tell it what it missed once
        its socket has room again."""
        if not self.flow.slow:
            return False
        if blocked:
            self._skip(covers)
            return True
        self.actions.extend(self._gap("slow_client", self.missed))
        self.missed, self.flow.slow = {}, False
        return False

    def _skip(self, covers: list[list[int]]) -> None:
        for partition, start, end in covers:
            first = self.cursor.expected.get(partition, start)
            self.missed.setdefault(partition, [first, end])[1] = end
            self.cursor.advance(partition, end)
        metrics.count("batches_skipped_slow")

    def _skip_queued(self) -> None:
        """Batches queued before the client counted as slow are skipped too, in order."""
        for message in self.inbox.take_if(lambda m: m["type"] == "stream.batch"):
            self._skip(message["covers"])
            self.flow.sent(message["w"], message["seq"])

    def _gap(self, reason: str, missed: dict[int, list[int]]) -> list[Action]:
        ranges = [
            {"partition": p, "from": a, "to": b} for p, (a, b) in sorted(missed.items()) if b >= a
        ]
        if not ranges:
            return []
        metrics.count("gaps_sent")
        since = ",".join(f"{r['partition']}-{r['from'] - 1}" for r in ranges)
        notice = {"type": "gap", "reason": reason, "missed": ranges, "since": since}
        return [Write(frames=(orjson.dumps(notice),))]

    # --- Frames ---------------------------------------------------------------------------

    def _fresh(self, frames: list, ids: list[list[int]], wire: bytes | None) -> Write | None:
        """The frames minus any record the client already has (after a resume or repair);
        the shared `wire` when it has none of them."""
        out, whole = [], True
        for frame, frame_ids in zip(frames, ids, strict=True):
            fresh = self.cursor.fresh(frame_ids)
            if all(fresh):
                out.append(frame)
                continue
            whole = False
            if any(fresh):  # only a batch or columns frame can be partly old
                out.append(trim(frame, fresh, self.frame_format))
            else:
                metrics.count("duplicates_dropped")
        if not out:
            return None
        if whole and wire is not None and self.shared_frames:
            return Write(wire)
        return Write(frames=tuple(out))

    def position_notice(self) -> bytes | None:
        """Where the client stands, whenever it gains a partition it has no id for:
        reconnecting with that `since` then misses nothing, even in a partition it never
        got a record of (a quiet one). Raw frames carry no ids: raw clients cannot resume."""
        if not self.shared_frames or self.frame_format == "raw":
            return None
        if len(self.cursor.expected) == self.announced:
            return None
        self.announced = len(self.cursor.expected)
        since = ",".join(f"{p}-{o - 1}" for p, o in sorted(self.cursor.expected.items()))
        return orjson.dumps({"type": "position", "since": since})


@dataclass(frozen=True)
class _Deliver:
    """Send a queued batch once the reads planned before it are done (decided then)."""

    message: dict
