"""What one client has received: unique offsets per partition, cheaply, and where to resume.

Two cores run servers and clients alike, so a client must not parse 200k records to count
them. A `batch` frame is a JSON array of envelopes. When its first and last records are
in the same partition and the frame is exactly as long as that run of offsets would be,
it is taken as that range: two short searches, no parse. The length test is exact for
this benchmark's load (`benchmarks.producer`): values all have the same size and every
other envelope field has a fixed width except the offset, written twice (id, offset), so
any record from elsewhere changes the length. Every other frame (several partitions, a
repair, a partial batch) is read record by record. Auditor clients parse everything.
"""

from __future__ import annotations

import re

# orjson keeps the envelope's key order: id, topic, partition, offset, …
_RECORD = re.compile(rb'"partition":(\d+),"offset":(\d+)')
_PARTITION = b'"partition":'
_NEXT = b'},{"id":'


class Seen:
    """Offsets seen in one partition: O(1) memory while they arrive in order, as they do."""

    __slots__ = ("filled", "high", "holes")

    def __init__(self) -> None:
        self.high = 0  # every offset below, except those in holes, was seen
        self.holes: list[list[int]] = []  # [first, last, how many filled] skipped over
        self.filled: set[int] = set()  # offsets seen inside holes

    def add_range(self, first: int, last: int) -> int:
        """Record offsets first..last; return how many were new."""
        if first >= self.high:
            if first > self.high:
                self.holes.append([self.high, first - 1, 0])
            self.high = last + 1
            return last - first + 1
        new = sum(self._fill(o) for o in range(first, min(last, self.high - 1) + 1))
        if last >= self.high:
            new += last - self.high + 1
            self.high = last + 1
        return new

    def _fill(self, offset: int) -> bool:
        for hole in self.holes:
            if hole[0] <= offset <= hole[1]:
                if offset in self.filled:
                    return False
                self.filled.add(offset)
                hole[2] += 1
                if hole[2] > hole[1] - hole[0]:  # complete: forget it
                    self.holes.remove(hole)
                    self.filled.difference_update(range(hole[0], hole[1] + 1))
                return True
        return False

    def resume_after(self) -> int:
        """The last offset to pass as `since`: just before the first hole, else the last seen."""
        return (self.holes[0][0] if self.holes else self.high) - 1


class Tracker:
    def __init__(self, partitions: int):
        self.seen = [Seen() for _ in range(partitions)]
        self.received = 0
        self.unique = 0
        self.sliced = 0  # frames read record by record

    def add(self, partition: int, first: int, last: int) -> None:
        self.received += last - first + 1
        self.unique += self.seen[partition].add_range(first, last)

    def batch_frame(self, frame: bytes) -> None:
        """Account for a `batch` frame (a JSON array of envelopes) without parsing it."""
        head = _RECORD.search(frame)
        tail = _RECORD.match(frame, frame.rfind(_PARTITION))
        if head is None or tail is None:
            return  # an empty batch
        p, first, last = int(head[1]), int(head[2]), int(tail[2])
        if p == int(tail[1]) and last >= first and _one_run(frame, first, last):
            self.add(p, first, last)
            return
        self.sliced += 1
        for match in _RECORD.finditer(frame):
            offset = int(match[2])
            self.add(int(match[1]), offset, offset)

    def since(self) -> str:
        """`?since=` value that resumes every partition after what this client holds."""
        return ",".join(f"{p}-{s.resume_after()}" for p, s in enumerate(self.seen))


def _one_run(frame: bytes, first: int, last: int) -> bool:
    """True if the frame is exactly the records first..last of one partition (see above)."""
    end = frame.find(_NEXT)
    first_len = end if end != -1 else len(frame) - 2  # frame[1 : end + 1] is the first record
    fixed = first_len - 2 * len(str(first))
    count = last - first + 1
    return len(frame) == 2 + (count - 1) + count * fixed + 2 * _digits(first, last)


def _digits(first: int, last: int) -> int:
    """Sum of the decimal lengths of first..last."""
    total, low = 0, first
    while low <= last:
        width = len(str(low))
        high = min(last, 10**width - 1)
        total += (high - low + 1) * width
        low = high + 1
    return total
