"""Where one WebSocket client is in each partition, and what it still needs.

Pure logic, no I/O: the consumer asks the cursor which offsets a batch skips (holes to
repair from Kafka), which frames the client already has (after a resume), and records
what it sent. Offsets are Kafka offsets of the producer's input topic.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class BadSince(ValueError):
    """A `since` parameter that is not `<partition>-<offset>[,…]`."""


def parse_since(raw: str | None) -> dict[int, int]:
    """`0-41,1-17` → {0: 41, 1: 17}: the last offset the client saw in each partition."""
    if not raw:
        return {}
    seen: dict[int, int] = {}
    for part in raw.split(","):
        partition, sep, offset = part.strip().partition("-")
        if (
            not sep
            or not partition.isdigit()
            or not offset.lstrip("-").isdigit()
            or int(offset) < -1
        ):
            raise BadSince(f"{part!r} is not <partition>-<offset>, e.g. 0-41.")
        if int(partition) in seen:
            raise BadSince(f"Partition {partition} appears twice in since.")
        seen[int(partition)] = int(offset)
    return seen


@dataclass(frozen=True)
class Hole:
    partition: int
    start: int  # first missing offset
    end: int  # last missing offset (inclusive)


@dataclass
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
