"""A fleet of WebSocket clients in one process (`python -m benchmarks.fleet CONFIG.json`).

Clients behave as DESIGN §6 asks of a client: on a `gap` notice, or a close with 1001,
1013 or 4000-4499, they reconnect (with back-off after a close) passing `?since=` the last
offset they hold per partition, and drop duplicates by id. Each tracks the unique offsets
it got (benchmarks.tracking), so loss and duplicates are exact. With `parse` every client
decodes every frame and reads every record's value (benchmarks.parsing), as a real
consumer would; without it, `batch` frames are counted unparsed. Every `audit_step`-th
client is an auditor: it also reads every record's latency (receive time - the `sent` ms
in the value), in 0.1 ms buckets. Stalled clients connect and never read.

Prints `ready` once it is set to connect, and connects on SIGUSR1, so that every fleet
process starts at once and the connect phase is measured without their start-up; then
`connected OK FAILED START END CPU` (wall-clock start and end of the phase, this
process's CPU seconds during it). Writes the result JSON to `result_path` when every
client finished (all records, `idle` s of silence, or deadline; with `connect_only`, on
SIGTERM).
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
import signal
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field

import orjson
from websockets.exceptions import InvalidStatus

from benchmarks import parsing, wsclient
from benchmarks.tracking import Tracker

RESUME_CODES = {1001, 1013, *range(4000, 4500)}


@dataclass
class Config:
    urls: list[str]
    headers: dict[str, str]
    partitions: int
    first_index: int  # global index of this process's first client
    clients: int
    audit_step: int  # 0: no auditors
    stalled: int
    expected: int  # records every client should get
    first_timeout: float
    idle: float
    deadline: float  # seconds from the start of reading
    result_path: str
    parse: bool = False  # decode every frame (benchmarks.parsing)
    connect_only: bool = False  # connect, then hold the sockets until SIGTERM
    concurrency: int = 50  # handshakes in flight
    attempts: int = 4  # per connection; every failed one is counted by its reason


@dataclass
class ClientStats:
    index: int
    auditor: bool
    received: int = 0
    unique: int = 0
    frames: int = 0
    sliced: int = 0
    gaps: int = 0
    resumes: int = 0
    first: float | None = None
    last: float | None = None
    close_codes: list[int] = field(default_factory=list)
    ended: str = ""


class Client:
    """One client: reads to the end, resumes with `?since=` when the server invites it."""

    def __init__(self, cfg: Config, index: int, hist: Counter, refusals: Counter):
        self.cfg = cfg
        self.refusals = refusals
        self.url = cfg.urls[index % len(cfg.urls)]
        self.stats = ClientStats(index, cfg.audit_step > 0 and index % cfg.audit_step == 0)
        self.tracker = Tracker(cfg.partitions)
        self.hist = hist
        self.conn: wsclient.Connection | None = None
        self.done = False
        self.resume_now = False  # a slow_client gap notice: reconnect at once

    async def open(self, since: str = "") -> None:
        url = f"{self.url}{'&' if '?' in self.url else '?'}since={since}" if since else self.url
        self.conn = await open_socket(
            url, self.cfg.headers, self.on_message, self.refusals, self.cfg.attempts
        )

    async def run(self) -> None:
        backoff = 0.25
        while True:
            code = await asyncio.shield(self.conn.closed)  # a cancel must not cancel it
            if self.done:
                self.stats.ended = "complete"
                return
            if self.resume_now:
                self.resume_now = False
            else:
                self.stats.close_codes.append(code)
                if code not in RESUME_CODES:
                    self.stats.ended = f"closed {code}"
                    return
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 4.0)
            self.stats.resumes += 1
            try:
                await self.open(self.tracker.since())
            except Exception:
                self.stats.ended = "reconnect failed"
                return

    def on_message(self, data: bytes, now: float) -> None:
        if self.done or self.resume_now:
            return  # closing: what still arrives is not counted
        st, tracker = self.stats, self.tracker
        st.last = now
        st.first = st.first or now
        st.frames += 1
        if self.cfg.parse:
            self.parsed(orjson.loads(data), now * 1000)
        elif data[:1] != b"[":
            self.control(orjson.loads(data))
        elif st.auditor:
            self.audit(data, now * 1000)
        else:
            tracker.batch_frame(data)
        st.received, st.unique, st.sliced = tracker.received, tracker.unique, tracker.sliced
        if tracker.unique >= self.cfg.expected:
            self.done = True
            self.conn.close()

    def parsed(self, message: dict | list, now_ms: float) -> None:
        if parsing.is_control(message):
            self.control(message)
            return
        values = parsing.walk(message, self.tracker)
        if self.stats.auditor:
            hist = self.hist
            for value in values:
                hist[max(0, int((now_ms - value["sent"]) * 10))] += 1

    def audit(self, frame: bytes, now_ms: float) -> None:
        for record in orjson.loads(frame):
            offset = record["offset"]
            self.tracker.add(record["partition"], offset, offset)
            value = record["value"]
            if isinstance(value, dict) and "sent" in value:
                self.hist[max(0, int((now_ms - value["sent"]) * 10))] += 1

    def control(self, message: dict) -> None:
        if message.get("type") == "gap":
            self.stats.gaps += 1
            if message.get("reason") == "slow_client":  # beyond retention resuming can't help
                self.resume_now = True
                self.conn.close()


async def open_socket(
    url: str,
    headers: dict[str, str],
    on_message,
    refusals: Counter,
    attempts: int,
    *,
    stalled: bool = False,
):
    last_error: Exception | None = None
    for attempt in range(attempts):
        if attempt:
            await asyncio.sleep(0.5 * attempt)
        try:
            return await wsclient.connect(url, headers, on_message, stalled=stalled)
        except Exception as exc:
            last_error = exc
            refusals[reason(exc)] += 1
    raise last_error


def reason(exc: Exception) -> str:
    """Why a handshake failed, as counted: the HTTP status of a refusal, else the error."""
    if isinstance(exc, InvalidStatus):
        return f"HTTP {exc.response.status_code}"
    return type(exc).__name__


async def watchdog(tasks: list, clients: list[Client], cfg: Config, start: float) -> None:
    """End readers that are done waiting: no first frame, `idle` s of silence, or deadline."""
    while not all(t.done() for t in tasks):
        await asyncio.sleep(0.2)
        now = time.time()
        for task, client in zip(tasks, clients, strict=True):
            st = client.stats
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
    sem = asyncio.Semaphore(cfg.concurrency)
    hist: Counter = Counter()
    refusals: Counter = Counter()
    first, end = cfg.first_index, cfg.first_index + cfg.clients
    clients = [Client(cfg, i, hist, refusals) for i in range(first, end)]

    async def bounded(coro):
        async with sem:
            return await coro

    def stalled_socket():
        ignore = lambda *_: None  # noqa: E731 - it never reads
        return open_socket(cfg.urls[0], cfg.headers, ignore, refusals, cfg.attempts, stalled=True)

    go = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, go.set)
    print("ready", flush=True)
    await go.wait()
    began, cpu = time.time(), cpu_seconds()
    opened = await asyncio.gather(
        *(bounded(c.open()) for c in clients),
        *(bounded(stalled_socket()) for _ in range(cfg.stalled)),
        return_exceptions=True,
    )
    ended, cpu = time.time(), cpu_seconds() - cpu
    failures = [repr(e) for e in opened if isinstance(e, BaseException)]
    live = [c for c, e in zip(clients, opened, strict=False) if not isinstance(e, BaseException)]
    stalled = [ws for ws in opened[len(clients) :] if not isinstance(ws, BaseException)]
    start = time.time()
    tasks = [asyncio.create_task(c.run()) for c in live]
    # SIGTERM (the orchestrator cutting a run short): stop reading, still write the result.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop_all, tasks, live)
    opened_count = len(live) + len(stalled)
    print(f"connected {opened_count} {len(failures)} {began} {ended} {cpu}", flush=True)
    if not cfg.connect_only:
        await watchdog(tasks, live, cfg, start)
    await asyncio.gather(*tasks, return_exceptions=True)
    await close_all([c.conn for c in live if c.conn is not None] + stalled)
    return {
        "clients": [asdict(c.stats) for c in live],
        "connect_failures": failures[:5],
        "failed": len(failures),
        "refusals": dict(refusals),
        "connect": [began, ended, cpu],
        "latency_hist": {str(k): v for k, v in hist.items()},
        "cpu_seconds": cpu_seconds(),
    }


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def stop_all(tasks: list, clients: list[Client]) -> None:
    for task, client in zip(tasks, clients, strict=True):
        if not task.done():
            client.stats.ended = "stopped"
            task.cancel()


async def close_all(conns: list[wsclient.Connection]) -> None:
    for conn in conns:
        conn.close()
    with contextlib.suppress(TimeoutError):
        closed = asyncio.gather(*(c.closed for c in conns), return_exceptions=True)
        await asyncio.wait_for(closed, 5)
    for conn in conns:
        conn.abort()


@dataclass
class FleetResult:
    """The fleet processes' results, merged by the orchestrator."""

    clients: list[dict] = field(default_factory=list)
    failed: int = 0
    connect_failures: list[str] = field(default_factory=list)
    latency_hist: Counter = field(default_factory=Counter)
    cpu_seconds: float = 0.0
    refusals: Counter = field(default_factory=Counter)  # failed handshakes by reason

    def merge(self, part: dict) -> None:
        self.clients += part["clients"]
        self.failed += part["failed"]
        self.connect_failures += part["connect_failures"]
        self.refusals.update(part["refusals"])
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
