"""Where one WebSocket client is in each partition, and what it still needs.

Pure logic, no I/O: the consumer asks the cursor which offsets a batch skips (holes to
repair from Kafka), which frames the client already has (after a resume), and records
what it sent. Offsets are Kafka offsets of the producer's input topic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class BadSince(ValueError):
    """A `since` parameter that is not `<partition>-<offset>[,…]`."""


MAX_PARTITION = 2**31 - 1  # Kafka partitions are int32 and offsets int64
MAX_OFFSET = 2**63 - 1
_ENTRY = re.compile(r"(\d+)-(-1|\d+)", re.ASCII)  # ASCII: int() takes other digits too


def parse_since(raw: str | None) -> dict[int, int]:
    """`0-41,1-17` → {0: 41, 1: 17}: the last offset the client saw in each partition
    (-1: none). Refused, with the bad part: anything else, numbers beyond Kafka's range,
    a partition named twice."""
    if not raw:
        return {}
    seen: dict[int, int] = {}
    for part in raw.split(","):
        match = _ENTRY.fullmatch(part.strip())
        shown = repr(part) if len(part) <= 40 else f"{part[:40]!r}…"
        if match is None:
            raise BadSince(f"{shown} is not <partition>-<offset>, e.g. 0-41.")
        if len(match[1]) > 10 or len(match[2]) > 19:  # before int(): no 10,000-digit numbers
            raise BadSince(f"{shown} is beyond Kafka's partitions and offsets.")
        partition, offset = int(match[1]), int(match[2])
        if partition > MAX_PARTITION or offset > MAX_OFFSET:
            raise BadSince(f"{shown} is beyond Kafka's partitions and offsets.")
        if partition in seen:
            raise BadSince(f"Partition {partition} appears twice in since.")
        seen[partition] = offset
    return seen


@dataclass(frozen=True)
class Hole:
    partition: int
    start: int  # first missing offset
    end: int  # last missing offset (inclusive)


@dataclass(slots=True)  # one per connection
class Cursor:
    expected: dict[int, int] = field(default_factory=dict)  # next offset the client needs

    @classmethod
    def resuming(cls, since: dict[int, int]) -> Cursor:
        return cls({p: o + 1 for p, o in since.items()})

    def place(self, due: list[tuple[int, int]]) -> None:
        """A message reached the client: in each partition it has no place in yet, it
        starts at the first offset due (it joined the stream before this message).

        Called on arrival, in stream order, not when the message is handled: a full inbox
        may drop it unsent, and the first message the client did get would then pass for
        its start, losing the dropped records without a word. Placed on arrival, they
        are a hole the next message reveals."""
        for partition, first in due:
            self.expected.setdefault(partition, first)

    def extend(self, covers: list[list[int]]) -> bool:
        """Advance past a batch that starts exactly where the client is in every partition
        (or in one it has no place in yet): the usual case, checked in one pass. False,
        and nothing changed, if the batch leaves a hole or overlaps what the client has."""
        expected = self.expected
        for partition, start, _end in covers:
            if expected.get(partition, start) != start:
                return False
        for partition, _start, end in covers:
            expected[partition] = end + 1
        return True

    def holes(self, covers: list[list[int]]) -> list[Hole]:
        """Offsets a batch (covering [start, end] per partition) skips for this client."""
        holes = []
        for partition, start, _end in covers:
            want = self.expected.get(partition, start)
            if start > want:
                holes.append(Hole(partition, want, start - 1))
        return holes

    def tail_holes(self, last: list[list[int]]) -> list[Hole]:
        """Offsets published (up to `last` per partition) that the client has not got."""
        holes = []
        for partition, offset in last:
            want = self.expected.get(partition, offset + 1)
            if offset >= want:
                holes.append(Hole(partition, want, offset))
        return holes

    def overlaps(self, covers: list[list[int]]) -> bool:
        """Whether a batch may hold records the client already has (after a resume or repair)."""
        return any(start < self.expected.get(p, start) for p, start, _end in covers)

    def fresh(self, ids: list[int]) -> list[bool]:
        """For flat [p, o, p, o, …] ids: which records the client does not have yet."""
        return [ids[i + 1] >= self.expected.get(ids[i], 0) for i in range(0, len(ids), 2)]

    def advance(self, partition: int, last_offset: int) -> None:
        if last_offset + 1 > self.expected.get(partition, 0):
            self.expected[partition] = last_offset + 1

    def advance_all(self, covers: list[list[int]]) -> None:
        for partition, _start, end in covers:
            self.advance(partition, end)
