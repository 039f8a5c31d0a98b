"""What one measurement found, summed up from every client's own account.

Rates count unique records (duplicates are the client's to drop), from each client's first
to last receive; latency percentiles come from the auditors' 0.1 ms histogram; the connect
phase is timed by the fleet processes (benchmarks.fleetrun).
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from dataclasses import asdict, dataclass, field

from benchmarks.fleet import FleetResult
from benchmarks.stack import RssMonitor


@dataclass
class Connect:
    """The connect phase of one measurement, over every fleet process."""

    opened: int = 0  # handshakes that succeeded
    failed: int = 0  # clients that never connected
    seconds: float = 0.0  # first handshake started to last one done
    fleet_cpu: float = 0.0  # the fleet processes' CPU seconds meanwhile
    server_cpu: float = 0.0  # the servers' (psutil cpu_times, user + system)
    overflows: int = 0  # the box's TcpExt ListenOverflows meanwhile (stack.listen_overflows)

    @property
    def rate(self) -> float:
        return self.opened / self.seconds if self.seconds > 0 else 0.0

    @property
    def server_ms_each(self) -> float | None:
        """Server CPU per accepted handshake, in ms."""
        return 1000 * self.server_cpu / self.opened if self.opened else None


def connect_phase(lines: list[str]) -> Connect:
    """The fleet processes' `connected OK FAILED START END CPU` lines, summed up: from the
    first start to the last end (they start together, on one signal)."""
    fields = [line.split()[1:] for line in lines]
    if not fields:
        return Connect()
    return Connect(
        opened=sum(int(f[0]) for f in fields),
        failed=sum(int(f[1]) for f in fields),
        seconds=max(float(f[3]) for f in fields) - min(float(f[2]) for f in fields),
        fleet_cpu=sum(float(f[4]) for f in fields),
    )


@dataclass
class Measure:
    system: str
    shape: str
    clients: int
    expected: int
    delivered: float = 0.0  # aggregate records/s
    client_median: float = 0.0
    client_min: float = 0.0
    frames_median: float = 0.0  # frames per client: the server pays per frame, not per record
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    missing: int = 0
    clients_missing: int = 0
    duplicates: int = 0  # received more than once (dropped by the client)
    resumes: int = 0  # reconnections with ?since=
    gaps: int = 0  # gap notices
    audited: int = 0
    server_mb: float = 0.0
    server_pss_mb: float = 0.0  # summed PSS peak: shared pages counted once (RssMonitor)
    tcp_mb: float = 0.0  # the box's TCP buffers at their peak (stack.tcp_memory_mb)
    ready_mb: float = 0.0  # servers up, no client
    connected_mb: float = 0.0  # clients connected, before the records flow
    ready_pss_mb: float = 0.0
    connected_pss_mb: float = 0.0
    connect: Connect = field(default_factory=Connect)
    refusals: dict = field(default_factory=dict)  # failed handshake attempts by reason
    load_rate: float | None = None  # records/s the load was produced at (burst, paced)
    since_load: float | None = None  # records delivered / (last receive - load started)
    load_cpu: dict = field(default_factory=dict)  # server process → CPU s from load start
    # The rest of the box from load start: broker, Redis, the orchestrator (which produces
    # the load) and the clients. With every core busy the rate goes as 1 / the sum of all.
    load_cpu_shared: dict = field(default_factory=dict)

    def cpu_us_per_record(self) -> dict[str, float]:
        """Each server process's CPU per record produced, from the load's start to the end."""
        if not self.expected:
            return {}
        return {k: 1e6 * v / self.expected for k, v in self.load_cpu.items()}

    def server_us_per_record(self) -> float | None:
        """The server side's CPU per record: its own processes and the Redis between them
        (Flowcast's worker → Redis → web path; a one-process bridge leaves Redis idle)."""
        if not self.expected or not self.load_cpu:
            return None
        spent = sum(self.load_cpu.values()) + self.load_cpu_shared.get("redis", 0.0)
        return 1e6 * spent / self.expected

    def cpu_budget(self) -> str:
        """Every process's CPU per record produced, from the load's start, and their sum: on
        a box whose cores are all busy (a burst on 2 cores), what a system's rate comes to."""
        spent = {**self.load_cpu, **self.load_cpu_shared}
        if not self.expected or not spent:
            return ""
        us = {k: 1e6 * v / self.expected for k, v in spent.items()}
        return ", ".join(f"{k} {v:.1f}" for k, v in us.items()) + f" = {sum(us.values()):.1f} us"

    by_process: dict = field(default_factory=dict)  # name → "peak RSS, CPU time"
    server_cpu: float = 0.0
    fleet_cpu: float = 0.0
    other_cpu: float = 0.0  # used meanwhile by processes outside this benchmark: noise
    seconds: float = 0.0
    connect_failed: int = 0
    endings: dict = field(default_factory=dict)
    close_codes: dict = field(default_factory=dict)
    note: str = ""  # why a measurement was cut short (its verdicts are then n/a)
    events: str = ""  # the web processes' repair and slow-client counters
    rounds: list[float] = field(default_factory=list)  # a repeated case: each round's rate

    def as_dict(self) -> dict:
        return asdict(self)


def summarize(
    system: str, case, expected: int, result: FleetResult, monitor: RssMonitor, cpu: dict, note: str
) -> Measure:
    m = Measure(system, case.shape, case.clients, expected, note=note)
    clients = result.clients
    rates = [
        c["unique"] / (c["last"] - c["first"])
        for c in clients
        if c["unique"] > 1 and c["last"] > c["first"]
    ]
    firsts = [c["first"] for c in clients if c["first"]]
    lasts = [c["last"] for c in clients if c["last"]]
    if firsts and lasts and max(lasts) > min(firsts):
        m.seconds = max(lasts) - min(firsts)
        m.delivered = sum(c["unique"] for c in clients) / m.seconds
    if rates:
        m.client_median, m.client_min = statistics.median(rates), min(rates)
    if clients:
        m.frames_median = statistics.median(c["frames"] for c in clients)
    for c in clients:
        m.missing += expected - c["unique"]
        m.clients_missing += c["unique"] < expected
        m.duplicates += c["received"] - c["unique"]
        m.audited += c["auditor"]
        m.resumes += c["resumes"]
        m.gaps += c["gaps"]
    m.missing += (case.clients - len(clients)) * expected  # never connected, or no result
    if case.load == "paced":  # a burst or a backlog has no meaningful latency
        m.p50, m.p95, m.p99 = (percentile(result.latency_hist, q) for q in (50, 95, 99))
    m.server_mb = monitor.peak_total_mb
    m.server_pss_mb = monitor.peak_total_pss_mb
    m.tcp_mb = monitor.peak_tcp_mb
    m.ready_mb = monitor.marks.get("ready", 0.0)
    m.connected_mb = monitor.marks.get("connected", 0.0)
    m.ready_pss_mb = monitor.pss_marks.get("ready", 0.0)
    m.connected_pss_mb = monitor.pss_marks.get("connected", 0.0)
    m.refusals = dict(result.refusals)
    m.server_cpu = sum(v for k, v in cpu.items() if k not in monitor.uncounted)
    m.fleet_cpu = result.cpu_seconds
    kernel = monitor.kernel_seconds()
    m.by_process = {
        k: f"{monitor.peak_mb.get(k, 0):,.0f} MB {cpu.get(k, 0):.1f} s ({kernel.get(k, 0):.1f})"
        for k in monitor.procs
    }
    m.connect_failed = result.failed
    m.endings = dict(Counter(c["ended"] for c in clients))
    m.close_codes = dict(Counter(str(code) for c in clients for code in c["close_codes"]))
    return m


def rate_since(result: FleetResult, began: float) -> float | None:
    """All records delivered / (last receive of any client - `began`, the load's start):
    unlike the first-to-last rate, a reader that starts late is not rewarded for it."""
    lasts = [c["last"] for c in result.clients if c["last"]]
    if not lasts or max(lasts) <= began:
        return None
    return sum(c["unique"] for c in result.clients) / (max(lasts) - began)


def percentile(hist: Counter, q: float) -> float | None:
    """The q-th percentile in ms of a histogram of 0.1 ms buckets."""
    total = sum(hist.values())
    if not total:
        return None
    rank, seen = math.ceil(total * q / 100), 0
    for bucket in sorted(hist):
        seen += hist[bucket]
        if seen >= rank:
            return bucket / 10
    return max(hist) / 10
