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
import os
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import orjson
import redis

from benchmarks import producer
from benchmarks.fleet import Config, FleetResult
from benchmarks.flowcast import Flowcast, Stream
from benchmarks.measure import Measure, summarize
from benchmarks.stack import BenchError, Child, Procs, RssMonitor, Services, services
from pipelines.dev.embedded import find_free_port
from pipelines.redis_keys import WEB_STATS

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
    idle: float = 60.0
    deadline: float = 1200.0
    max_server_mb: float = 6000.0


class Run:
    """Everything one `python -m benchmarks` invocation shares: children, workdir, options."""

    def __init__(self, procs: Procs, workdir: Path, options: Options):
        self.procs = procs
        self.workdir = workdir
        self.opts = options
        self._migrated = False
        self.failures = 0  # measurements that could not run: the work dir is kept

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
        flowcast = self._safely(
            "flowcast", case, expected, lambda: self._flowcast(case, app, stream, expected, None)
        )
        bridge = self._safely(
            "bridge", case, expected, lambda: self._bridge(case, svc, stream.topic, expected, None)
        )
        return {"flowcast": flowcast, "bridge": bridge}

    def _latency(self, case: Case, svc: Services, app: Flowcast) -> dict[str, Measure]:
        count = int(case.rate * case.seconds)
        topics = {s: f"bench-{s}-{uuid.uuid4().hex[:6]}" for s in ("flowcast", "bridge")}
        for topic in topics.values():
            producer.create_topic(svc.bootstrap, topic)
        stream = app.create_stream("shared", topics["flowcast"])

        def load(topic: str) -> Callable[[], None]:
            return lambda: producer.paced(svc.bootstrap, topic, case.rate, count)

        flowcast = self._safely(
            "flowcast",
            case,
            count,
            lambda: self._flowcast(case, app, stream, count, load(topics["flowcast"])),
        )
        bridge = self._safely(
            "bridge",
            case,
            count,
            lambda: self._bridge(case, svc, topics["bridge"], count, load(topics["bridge"])),
        )
        return {"flowcast": flowcast, "bridge": bridge}

    def _safely(self, system: str, case: Case, expected: int, measure) -> Measure:
        """A system that fails to start or to finish gets a note, and the run goes on."""
        try:
            return measure()
        except BenchError as exc:
            self.failures += 1
            print(f"   {system} failed: {exc}", file=sys.stderr, flush=True)
            missing = expected * case.clients
            note = f"failed: {str(exc).splitlines()[0]}"
            return Measure(system, case.shape, case.clients, expected, missing=missing, note=note)

    def _flowcast(self, case: Case, app: Flowcast, stream: Stream, expected: int, load):
        daphnes = 2 if case.clients >= self.opts.daphnes_from else 1
        children: list[Child] = []
        try:
            with RssMonitor(self.opts.max_server_mb) as monitor:
                _watch_shared(monitor, app.svc)
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
                monitor.mark("ready")  # backlog: daphne only, the worker starts below
                urls = [f"ws://{h}/ws/producers/{stream.ingestion_id}/" for h in hosts]
                headers = {"Authorization": f"Bearer {stream.secret}"}
                fleet = self._fleet("flowcast", case, urls, headers, expected)
                monitor.mark("connected")
                if load is None:  # a private event is read from its start: clients first
                    start_worker()
                m = self._finish("flowcast", case, expected, fleet, monitor, children, load)
                m.events = _stream_events(app.svc.redis_url)
                return m
        finally:
            for child in reversed(children):
                self.procs.stop(child)

    def _bridge(self, case: Case, svc: Services, topic: str, expected: int, load):
        reset = "earliest" if load is None else "latest"  # backlog: pre-filled topic
        port = find_free_port()
        argv = ["-m", "benchmarks.bridge", "--bootstrap", svc.bootstrap, "--topic", topic]
        argv += ["--port", str(port), "--reset", reset, "--group", f"bench-{uuid.uuid4().hex}"]
        if load is None:  # backlog: start reading once every client is in
            argv += ["--start-after", str(case.clients + case.stalled)]
        bridge = self.procs.spawn("bridge", [sys.executable, *argv], pipe=True)
        try:
            with RssMonitor(self.opts.max_server_mb) as monitor:
                _watch_shared(monitor, svc)
                monitor.watch("bridge", bridge.pid)
                bridge.expect("listening", 30)
                if load is not None:
                    bridge.expect("assigned", 60)
                    time.sleep(SETTLE)
                monitor.mark("ready")
                fleet = self._fleet("bridge", case, [f"ws://127.0.0.1:{port}/"], {}, expected)
                monitor.mark("connected")  # backlog: the bridge may have started reading
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
        # Auditors parse every record: only the latency shape needs that (send times).
        audit_step = (
            max(1, case.clients // max(1, self.opts.audit)) if case.shape == "latency" else 0
        )
        fleet = []
        for n in range(processes):
            first = n * per
            result = self.workdir / f"fleet-{system}-{case.shape}-{case.clients}-{n}.json"
            cfg = Config(
                urls=urls,
                headers=headers,
                partitions=producer.PARTITIONS,
                first_index=first,
                clients=max(0, min(per, case.clients - first)),
                audit_step=audit_step,
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
        note = _wait_fleet(fleet, monitor, servers, self.opts)
        cpu, busy = monitor.cpu_seconds(), monitor.box_busy_seconds()
        result = FleetResult()
        for child, path in fleet:
            self.procs.stop(child)  # cut short: SIGTERM, it still writes what it measured
            if path.exists():
                result.merge(orjson.loads(path.read_bytes()))
            elif not note:
                note = f"{child.name} failed, see its log"
        monitor.sample()
        m = summarize(system, case, expected, result, monitor, cpu, note)
        m.other_cpu = max(0.0, busy - sum(cpu.values()) - result.cpu_seconds)
        return m


def _stream_events(redis_url: str) -> str:
    """The web processes' repair and slow-client counters (as on /metrics), if any moved:
    why a run was slower is often there. Reported each second, so the last may be missing."""
    totals: Counter[str] = Counter()
    for raw in redis.Redis.from_url(redis_url).hvals(WEB_STATS):
        totals.update({k: int(v) for k, v in orjson.loads(raw).items() if v})
    return ", ".join(f"{k} {v:,}" for k, v in sorted(totals.items()))


def _watch_shared(monitor: RssMonitor, svc: Services) -> None:
    """Broker, Redis and this process: shown, not counted as server, and not "other" CPU."""
    monitor.watch("broker", svc.broker_pid, counted=False)
    monitor.watch("redis", svc.redis_pid, counted=False)
    monitor.watch("bench", os.getpid(), counted=False)


def _wait_fleet(fleet, monitor: RssMonitor, servers: list[Child], opts: Options) -> str:
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
