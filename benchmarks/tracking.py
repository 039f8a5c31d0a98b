"""What one client has received: unique offsets per partition, cheaply, and where to resume.

Two cores run servers and clients alike, so a client must not parse 200k records to count
them. A `batch` frame is a JSON array of envelopes. When its first and last records are
in the same partition and the frame is exactly as long as that run of offsets would be,
it is taken as that range: two short searches, no parse; a frame of one run per
partition, likewise. The length test is exact for this benchmark's load
(`benchmarks.producer`): values all have the same size and every other envelope field has
a fixed width except the offset, written twice (id, offset), so any record from elsewhere
changes the length. Every other frame (a repair's, a resume's) is read record by record.
Auditor clients parse everything.

Parsing clients (benchmarks.parsing) decode every frame and hand the ids over as lists:
add_offsets (a columns run), add_records (a batch's envelopes), add_seqs (the values
bridge's bare values); consecutive offsets are taken as one range there too.
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
        runs = self._runs(frame)
        if runs is not None:
            for partition, first, last in runs:
                self.add(partition, first, last)
            return
        self.sliced += 1
        for match in _RECORD.finditer(frame):
            offset = int(match[2])
            self.add(int(match[1]), offset, offset)

    def _runs(self, frame: bytes) -> list[tuple[int, int, int]] | None:
        """The frame as one run of offsets, or a run of one partition then one of another;
        None if it is not exactly that.

        A batch often holds runs of two partitions; read record by record such a frame
        cost a client 1 ms against 8 us, so a server whose batches mixed partitions more
        often was measured by how busy it kept its clients. The search for where the
        second run starts is the one scan of the frame."""
        head = _RECORD.search(frame)
        tail = _RECORD.match(frame, frame.rfind(_PARTITION))
        if head is None or tail is None:
            return [] if frame == b"[]" else None
        p, first, q, last = int(head[1]), int(head[2]), int(tail[1]), int(tail[2])
        if p == q:
            runs = [(p, first, last)]
        else:
            second = frame.find(b'"partition":%d,' % q)
            before = _RECORD.match(frame, frame.rfind(_PARTITION, 0, second))
            after = _RECORD.match(frame, second)
            if before is None or after is None or int(before[1]) != p:
                return None  # a third partition in between, or not an envelope
            runs = [(p, first, int(before[2])), (q, int(after[2]), last)]
        return runs if _exactly(frame, runs) else None

    def add_offsets(self, partition: int, offsets: list[int]) -> None:
        """A columns frame's offsets: one range when they are consecutive, as they are
        (checked at C speed), else offset by offset."""
        if offsets and offsets == list(range(offsets[0], offsets[0] + len(offsets))):
            self.add(partition, offsets[0], offsets[-1])
            return
        for offset in offsets:
            self.add(partition, offset, offset)

    def add_records(self, partitions: list[int], offsets: list[int]) -> None:
        """Records given as parallel lists (a `batch` frame's envelopes): each run of one
        partition is added with add_offsets."""
        parts = bytes(partitions)  # a partition number per byte: the runs are found in C
        start, n = 0, len(offsets)
        while start < n:
            rest = parts[start:]
            end = n - len(rest.lstrip(rest[:1]))
            self.add_offsets(parts[start], offsets[start:end])
            start = end

    def add_seqs(self, seqs: list[int]) -> None:
        """Records of the values bridge, which carry no id: counted by the `seq` in their
        value (benchmarks.producer wrote seq to partition seq % P, in order, so seq // P is
        its offset there)."""
        step = len(self.seen)
        for first, last in step_runs(seqs, step):
            self.add(first % step, first // step, last // step)

    def since(self) -> str:
        """`?since=` value that resumes every partition after what this client holds."""
        return ",".join(f"{p}-{s.resume_after()}" for p, s in enumerate(self.seen))


def _exactly(frame: bytes, runs: list[tuple[int, int, int]]) -> bool:
    """True if the frame is exactly the records of these (one or more) runs (see the
    module docstring)."""
    first = runs[0][1]  # the frame's first record opens the first run
    end = frame.find(_NEXT)
    first_len = end if end != -1 else len(frame) - 2  # frame[1 : end + 1] is the first record
    fixed = first_len - 2 * len(str(first))
    count = sum(last - start + 1 for _p, start, last in runs)
    digits = sum(_digits(start, last) for _p, start, last in runs)
    return len(frame) == 2 + (count - 1) + count * fixed + 2 * digits


def _digits(first: int, last: int) -> int:
    """Sum of the decimal lengths of first..last."""
    total, low = 0, first
    while low <= last:
        width = len(str(low))
        high = min(last, 10**width - 1)
        total += (high - low + 1) * width
        low = high + 1
    return total


def step_runs(seqs: list[int], step: int) -> list[tuple[int, int]]:
    """seqs as maximal runs first, first + step, … (first, last), in order.

    A frame of the values bridge is a few such runs (one per partition): each end is found
    by a binary search of slice comparisons, so a frame costs a few C loops, not a Python
    step per record."""
    runs, start, n = [], 0, len(seqs)
    while start < n:
        first = seqs[start]
        low, high = start + 1, n  # seqs[start:low] is a run; is seqs[start:high]?
        if seqs[start:] == list(range(first, first + (n - start) * step, step)):
            low = n  # the frame's last (or only) run
        while low < high:
            middle = (low + high + 1) // 2
            if seqs[start:middle] == list(range(first, first + (middle - start) * step, step)):
                low = middle
            else:
                high = middle - 1
        runs.append((first, seqs[low - 1]))
        start = low
    return runs
