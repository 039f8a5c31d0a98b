"""A fleet of WebSocket clients in one process (`python -m benchmarks.fleet CONFIG.json`).

Two cores run the servers and the clients, so clients must cost little: most only count
records in each frame (`bytes.count`, no JSON parse, no UTF-8 decode). Every
`audit_step`-th client is an auditor: it parses every frame, tracks which offsets it saw
(loss, duplicates) and the latency of each record (receive time - the `sent` ms in the
value), in 0.1 ms buckets. Stalled clients connect and never read (memory target).

Prints `connected OK FAILED` once its sockets are open, writes the result JSON to
`result_path` when every reader finished (all records, `idle` s of silence, or deadline).
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
import sys
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

import orjson
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

CONNECT_CONCURRENCY = 50
CONNECT_ATTEMPTS = 4


@dataclass
class Config:
    urls: list[str]
    headers: dict[str, str]
    first_index: int  # global index of this process's first client
    clients: int
    audit_step: int
    stalled: int
    expected: int  # records every client should get
    first_timeout: float
    idle: float
    deadline: float  # seconds from the start of reading
    result_path: str


@dataclass
class ClientStats:
    index: int
    auditor: bool
    received: int = 0
    unique: int | None = None
    frames: int = 0
    controls: int = 0
    first: float | None = None
    last: float | None = None
    close_code: int | None = None
    ended: str = ""


class Seen:
    """Offsets seen in one partition: O(1) memory while they arrive in order, as they do."""

    __slots__ = ("filled", "high", "holes")

    def __init__(self) -> None:
        self.high = 0
        self.holes: list[tuple[int, int]] = []
        self.filled: set[int] = set()

    def add(self, offset: int) -> bool:
        """True if the offset is new, False for a duplicate."""
        if offset >= self.high:
            if offset > self.high:
                self.holes.append((self.high, offset))
            self.high = offset + 1
            return True
        if offset in self.filled or not any(lo <= offset < hi for lo, hi in self.holes):
            return False
        self.filled.add(offset)
        return True


async def count_frames(ws: ClientConnection, st: ClientStats, expected: int) -> None:
    while st.received < expected:
        frame = await ws.recv(decode=False)
        st.last = time.time()
        st.first = st.first or st.last
        st.frames += 1
        if frame[:1] == b"[":
            st.received += frame.count(b'"id":')
        elif frame.startswith(b'{"type"'):
            st.controls += 1
        else:
            st.received += 1


async def audit_frames(ws: ClientConnection, st: ClientStats, expected: int, hist: Counter):
    seen: dict[int, Seen] = defaultdict(Seen)
    st.unique = 0
    while st.unique < expected:
        frame = await ws.recv(decode=False)
        st.last = now = time.time()
        st.first = st.first or now
        st.frames += 1
        data = orjson.loads(frame)
        now_ms = now * 1000
        for record in data if isinstance(data, list) else [data]:
            if "type" in record:  # control messages carry a type, records never do
                st.controls += 1
                continue
            st.received += 1
            st.unique += seen[record["partition"]].add(record["offset"])
            value = record["value"]
            if isinstance(value, dict) and "sent" in value:
                hist[max(0, int((now_ms - value["sent"]) * 10))] += 1


async def read(ws: ClientConnection, st: ClientStats, cfg: Config, hist: Counter) -> None:
    try:
        if st.auditor:
            await audit_frames(ws, st, cfg.expected, hist)
        else:
            await count_frames(ws, st, cfg.expected)
        st.ended = "complete"
    except ConnectionClosed:
        st.ended = "closed by server"
    st.close_code = ws.close_code


async def open_one(cfg: Config, url: str, sem: asyncio.Semaphore, stalled: bool):
    async with sem:
        for attempt in range(CONNECT_ATTEMPTS):
            try:
                return await connect(
                    url,
                    additional_headers=cfg.headers,
                    compression=None,
                    max_size=2**21,
                    max_queue=1 if stalled else 16,
                    ping_interval=None,
                    open_timeout=60,
                )
            except Exception as exc:
                if attempt == CONNECT_ATTEMPTS - 1:
                    return exc
                await asyncio.sleep(0.5 * (attempt + 1))


async def watchdog(tasks: list, stats: list[ClientStats], cfg: Config, start: float) -> None:
    """End readers that are done waiting: no first frame, `idle` s of silence, or deadline."""
    while not all(t.done() for t in tasks):
        await asyncio.sleep(0.2)
        now = time.time()
        for task, st in zip(tasks, stats, strict=True):
            if task.done():
                continue
            if now - start > cfg.deadline:
                st.ended = "deadline"
            elif st.last is None and now - start > cfg.first_timeout:
                st.ended = "no frame"
            elif st.last is not None and now - st.last > cfg.idle:
                st.ended = "idle"
            else:
                continue
            task.cancel()


async def run(cfg: Config) -> dict:
    sem = asyncio.Semaphore(CONNECT_CONCURRENCY)
    indexes = range(cfg.first_index, cfg.first_index + cfg.clients)
    hist: Counter = Counter()
    stats = [ClientStats(i, i % cfg.audit_step == 0) for i in indexes]
    opened = await asyncio.gather(
        *(open_one(cfg, cfg.urls[i % len(cfg.urls)], sem, False) for i in indexes),
        *(open_one(cfg, cfg.urls[0], sem, True) for _ in range(cfg.stalled)),
    )
    sockets = [ws for ws in opened if not isinstance(ws, BaseException)]
    failures = [repr(ws) for ws in opened if isinstance(ws, BaseException)]
    readers = [
        (ws, st) for ws, st in zip(opened, stats, strict=False) if not isinstance(ws, BaseException)
    ]
    start = time.time()
    tasks = [asyncio.create_task(read(ws, st, cfg, hist)) for ws, st in readers]
    print(f"connected {len(sockets)} {len(failures)}", flush=True)
    await watchdog(tasks, [st for _, st in readers], cfg, start)
    await asyncio.gather(*tasks, return_exceptions=True)
    await close_all(sockets)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "clients": [asdict(st) for _, st in readers],
        "connect_failures": failures[:5],
        "failed": len(failures),
        "latency_hist": {str(k): v for k, v in hist.items()},
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
    }


async def close_all(sockets: list[ClientConnection]) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.gather(*(ws.close() for ws in sockets)), 5)
    for ws in sockets:
        ws.transport.abort()


@dataclass
class FleetResult:
    clients: list[dict] = field(default_factory=list)
    failed: int = 0
    connect_failures: list[str] = field(default_factory=list)
    latency_hist: Counter = field(default_factory=Counter)
    cpu_seconds: float = 0.0

    def merge(self, part: dict) -> None:
        self.clients += part["clients"]
        self.failed += part["failed"]
        self.connect_failures += part["connect_failures"]
        self.latency_hist.update({int(k): v for k, v in part["latency_hist"].items()})
        self.cpu_seconds += part["cpu_seconds"]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    with open(argv[0], "rb") as f:
        cfg = Config(**orjson.loads(f.read()))
    result = asyncio.run(run(cfg))
    with open(cfg.result_path, "wb") as f:
        f.write(orjson.dumps(result))
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
