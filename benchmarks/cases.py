"""One measurement: a load shape x K clients, on Flowcast and then on the bridge.

Both systems get the same load on the same fresh broker. What is measured:

- backlog: the topic is filled with N records before anything reads it; clients connect,
  then the reader (Flowcast's worker, the bridge) starts from the first offset. A client's
  rate is its records / (its last receive - its first receive): the drain rate, without
  process start-up and Kafka group join. The aggregate is all records delivered / (last
  receive of any client - first receive of any client).
- latency: reader assigned, clients connected, then N records at a fixed rate, each
  carrying its send time; latency = receive time of its frame - send time.
- stall: the backlog with one more client that connects and never reads (memory only).

Server memory is the peak of the summed RSS (daphne processes + worker, or the bridge).
"""

from __future__ import annotations

import math
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import orjson

from benchmarks import producer
from benchmarks.fleet import Config, FleetResult
from benchmarks.flowcast import Flowcast, Stream
from benchmarks.stack import Child, Procs, RssMonitor, Services, services
from pipelines.embedded import find_free_port

SETTLE = 0.5  # after assignment, so a reader starting "at the end" sees the first record


@dataclass(frozen=True)
class Case:
    shape: str  # backlog | latency | stall
    clients: int
    records: int  # backlog size
    rate: float  # records/s of the latency shape
    seconds: float  # how long the latency shape produces

    @property
    def stalled(self) -> int:
        return 1 if self.shape == "stall" else 0


@dataclass
class Options:
    per_process: int = 250
    audit: int = 20
    daphnes_from: int = 1000  # K at which Flowcast gets 2 daphne processes
    idle: float = 10.0
    deadline: float = 600.0
    max_server_mb: float = 6000.0


@dataclass
class Measure:
    system: str
    shape: str
    clients: int
    expected: int
    delivered: float = 0.0  # aggregate records/s
    client_median: float = 0.0
    client_min: float = 0.0
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    missing: int = 0
    clients_missing: int = 0
    duplicates: int = 0
    audited: int = 0
    server_mb: float = 0.0
    server_start_mb: float = 0.0
    by_process_mb: dict = field(default_factory=dict)
    server_cpu: float = 0.0
    fleet_cpu: float = 0.0
    seconds: float = 0.0
    connect_failed: int = 0
    endings: dict = field(default_factory=dict)
    close_codes: dict = field(default_factory=dict)
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


class Run:
    """Everything one `python -m benchmarks` invocation shares: children, workdir, options."""

    def __init__(self, procs: Procs, workdir: Path, options: Options):
        self.procs = procs
        self.workdir = workdir
        self.opts = options
        self._migrated = False

    def case(self, case: Case) -> dict[str, Measure]:
        with services(self.workdir) as svc:
            app = Flowcast(self.procs, self.workdir, svc)
            if not self._migrated:
                app.migrate()
                self._migrated = True
            if case.shape == "latency":
                return self._latency(case, svc, app)
            return self._backlog(case, svc, app)

    def _backlog(self, case: Case, svc: Services, app: Flowcast) -> dict[str, Measure]:
        stream = app.create_stream("kafka")  # private: the worker reads it from the start
        # Not the watermarks: the embedded broker reports the last batch's base offset + 1.
        expected = producer.fill(svc.bootstrap, stream.topic, case.records).records
        flowcast = self._flowcast(case, app, stream, expected, load=None)
        bridge = self._bridge(case, svc, stream.topic, expected, reset="earliest", load=None)
        return {"flowcast": flowcast, "bridge": bridge}

    def _latency(self, case: Case, svc: Services, app: Flowcast) -> dict[str, Measure]:
        count = int(case.rate * case.seconds)
        topics = {s: f"bench-{s}-{uuid.uuid4().hex[:6]}" for s in ("flowcast", "bridge")}
        for topic in topics.values():
            producer.create_topic(svc.bootstrap, topic)
        stream = app.create_stream("shared", topics["flowcast"])

        def load(topic: str) -> Callable[[], None]:
            return lambda: producer.paced(svc.bootstrap, topic, case.rate, count)

        flowcast = self._flowcast(case, app, stream, count, load=load(topics["flowcast"]))
        bridge = self._bridge(case, svc, topics["bridge"], count, "latest", load(topics["bridge"]))
        return {"flowcast": flowcast, "bridge": bridge}

    def _flowcast(self, case: Case, app: Flowcast, stream: Stream, expected: int, load):
        daphnes = 2 if case.clients >= self.opts.daphnes_from else 1
        children: list[Child] = []
        try:
            with RssMonitor(self.opts.max_server_mb) as monitor:
                hosts = []
                for i in range(daphnes):
                    child, host = app.daphne(i)
                    children.append(child)
                    monitor.watch(child.name, child.pid)
                    hosts.append(host)

                def start_worker() -> None:
                    worker = app.worker(stream)
                    children.append(worker)
                    monitor.watch("worker", worker.pid)
                    if load is not None:  # a shared event is read from its end: assign first
                        app.wait_assigned(stream, worker)
                        time.sleep(SETTLE)

                if load is not None:
                    start_worker()
                monitor.mark_baseline()  # backlog: daphne only, the worker starts below
                urls = [f"ws://{h}/ws/producers/{stream.ingestion_id}/" for h in hosts]
                headers = {"Authorization": f"Bearer {stream.secret}"}
                fleet = self._fleet("flowcast", case, urls, headers, expected)
                if load is None:  # a private event is read from its start: clients first
                    start_worker()
                return self._finish("flowcast", case, expected, fleet, monitor, children, load)
        finally:
            for child in reversed(children):
                self.procs.stop(child)

    def _bridge(self, case: Case, svc: Services, topic: str, expected: int, reset: str, load):
        port = find_free_port()
        argv = ["-m", "benchmarks.bridge", "--bootstrap", svc.bootstrap, "--topic", topic]
        argv += ["--port", str(port), "--reset", reset, "--group", f"bench-{uuid.uuid4().hex}"]
        if load is None:  # backlog: start reading once every client is in
            argv += ["--start-after", str(case.clients + case.stalled)]
        bridge = self.procs.spawn("bridge", [sys.executable, *argv], pipe=True)
        try:
            with RssMonitor(self.opts.max_server_mb) as monitor:
                monitor.watch("bridge", bridge.pid)
                bridge.expect("listening", 30)
                if load is not None:
                    bridge.expect("assigned", 60)
                    time.sleep(SETTLE)
                monitor.mark_baseline()
                fleet = self._fleet("bridge", case, [f"ws://127.0.0.1:{port}/"], {}, expected)
                return self._finish("bridge", case, expected, fleet, monitor, [bridge], load)
        finally:
            self.procs.stop(bridge)

    def _fleet(self, system, case: Case, urls, headers, expected: int) -> list[tuple[Child, Path]]:
        """Fleet processes with their clients connected; returns them and their result files."""
        total = case.clients + case.stalled
        processes = max(1, math.ceil(total / self.opts.per_process))
        per = math.ceil(case.clients / processes)
        deadline = self.opts.deadline
        if case.shape == "latency":
            deadline = case.seconds + 2 * self.opts.idle + 60
        fleet = []
        for n in range(processes):
            first = n * per
            result = self.workdir / f"fleet-{system}-{case.shape}-{case.clients}-{n}.json"
            cfg = Config(
                urls=urls,
                headers=headers,
                first_index=first,
                clients=max(0, min(per, case.clients - first)),
                audit_step=max(1, case.clients // max(1, self.opts.audit)),
                stalled=case.stalled if n == 0 else 0,
                expected=expected,
                first_timeout=120.0,
                idle=self.opts.idle,
                deadline=deadline,
                result_path=str(result),
            )
            config_path = result.with_suffix(".config.json")
            config_path.write_bytes(orjson.dumps(asdict(cfg)))
            argv = [sys.executable, "-m", "benchmarks.fleet", str(config_path)]
            child = self.procs.spawn(f"fleet-{n}", argv, pipe=True)
            fleet.append((child, result))
        for child, _ in fleet:
            child.expect("connected", 300)
        return fleet

    def _finish(self, system, case, expected, fleet, monitor, servers, load) -> Measure:
        if load is not None:
            load()
        note = _wait_fleet(fleet, monitor, servers, case, self.opts)
        cpu = monitor.cpu_seconds()
        result = FleetResult()
        for child, path in fleet:
            if note:
                self.procs.stop(child)
            else:
                child.expect("done", 60)
                self.procs.stop(child)
            if path.exists():
                result.merge(orjson.loads(path.read_bytes()))
        monitor.sample()
        return summarize(system, case, expected, result, monitor, cpu, note)


def _wait_fleet(fleet, monitor: RssMonitor, servers: list[Child], case: Case, opts: Options):
    """Wait for the fleet processes; a non-empty return says why the measurement was cut."""
    deadline = time.monotonic() + opts.deadline + 120
    while any(child.running() for child, _ in fleet):
        if monitor.over_limit.is_set():
            return f"stopped: server RSS passed {opts.max_server_mb:g} MB"
        dead = [s.name for s in servers if not s.running()]
        if dead:
            return f"stopped: {', '.join(dead)} exited"
        if time.monotonic() > deadline:
            return "stopped: fleet deadline"
        time.sleep(0.2)
    return ""


def summarize(system, case, expected, result: FleetResult, monitor, cpu, note) -> Measure:
    m = Measure(system, case.shape, case.clients, expected, note=note)
    clients = result.clients
    rates = [
        c["received"] / (c["last"] - c["first"])
        for c in clients
        if c["received"] > 1 and c["last"] > c["first"]
    ]
    firsts = [c["first"] for c in clients if c["first"]]
    lasts = [c["last"] for c in clients if c["last"]]
    if firsts and lasts and max(lasts) > min(firsts):
        m.seconds = max(lasts) - min(firsts)
        m.delivered = sum(c["received"] for c in clients) / m.seconds
    if rates:
        m.client_median, m.client_min = statistics.median(rates), min(rates)
    for c in clients:
        got = c["unique"] if c["unique"] is not None else min(c["received"], expected)
        m.missing += expected - got
        m.clients_missing += got < expected
        if c["unique"] is not None:
            m.duplicates += c["received"] - c["unique"]
            m.audited += 1
    m.missing += result.failed * expected  # a client that never connected got nothing
    if case.shape == "latency":  # a pre-produced backlog has no meaningful latency
        m.p50, m.p95, m.p99 = (percentile(result.latency_hist, q) for q in (50, 95, 99))
    m.server_mb = monitor.peak_total_mb
    m.server_start_mb = monitor.baseline_mb
    m.by_process_mb = {k: round(v, 1) for k, v in monitor.peak_mb.items()}
    m.server_cpu, m.fleet_cpu = cpu, result.cpu_seconds
    m.connect_failed = result.failed
    m.endings = dict(Counter(c["ended"] for c in clients))
    m.close_codes = dict(Counter(str(c["close_code"]) for c in clients if c["close_code"]))
    return m


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
