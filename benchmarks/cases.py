"""One measurement: a load shape x K clients, on each system of the case in turn.

The systems of a case (Flowcast in one or two frame formats or pipelines, the bridge, the
values bridge) get the same load, each on a fresh broker and Redis of its own and a topic
of the same layout. What is measured:

- backlog: the topic is filled with N records before anything reads it; clients connect,
  then the reader (Flowcast's worker, the bridge) starts from the first offset. A client's
  rate is its records / (its last receive - its first receive): the drain rate, without
  process start-up and Kafka group join. The aggregate is all records delivered / (last
  receive of any client - first receive of any client).
- latency, paced, twohop, crowd: reader assigned, clients connected, then N records at a
  fixed rate, each carrying its send time; latency = receive time of its frame - send time.
- burst: reader assigned, clients connected, then N records produced at top speed; the
  aggregate rate as for backlog.
- stall: the backlog with one more client that connects and never reads (memory only).
- handshakes: clients connect as fast as the fleet can and nothing streams: the connect
  phase is the measurement (benchmarks.fleetrun).

Server memory is the peak of the summed RSS (daphne processes + workers, or the bridge).
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace

import orjson
import psutil
import redis
from django.conf import settings

from benchmarks import fleetrun, producer
from benchmarks.fleet import Config
from benchmarks.flowcast import Flowcast, Stream
from benchmarks.measure import Measure, rate_since, summarize
from benchmarks.stack import BenchError, Child, Procs, RssMonitor, Services, services
from pipelines.dev.embedded import find_free_port
from pipelines.redis_keys import WEB_STATS

SETTLE = 0.5  # after assignment, so a reader starting "at the end" sees the first record
STATS_SECONDS = 1.5  # web processes report their counters (/metrics) once a second
LOADS = {
    "backlog": "backlog",
    "stall": "backlog",
    "latency": "paced",
    "paced": "paced",
    "twohop": "paced",
    "crowd": "paced",
    "burst": "burst",
    "handshakes": "none",
}


@dataclass(frozen=True)
class System:
    """One side of a comparison, as named in the results."""

    name: str
    kind: str  # flowcast | bridge
    frame: str = "batch"  # Flowcast's frame format; the bridge's: envelopes | values
    hops: int = 1  # 2: Flowcast's Kafka Consumer -> event -> producer; a bridge's forwarder
    relay: bool = False  # a bridge that reads Kafka in a process of its own, through Redis
    credential: str = "secret"  # Flowcast's clients present: secret (a header) | token


FLOWCAST = System("flowcast", "flowcast")
BRIDGE = System("bridge", "bridge", "envelopes")
VALUES_BRIDGE = System("values bridge", "bridge", "values")
# The values bridge split at Redis (benchmarks/bridge.py): the DESIGN's worker -> Redis ->
# web path with stock clients and no product code, shown in the 1-client burst.
VALUES_VIA_REDIS = System("values via redis", "bridge", "values", relay=True)
# The two-hop case's yardstick: a bare forwarder (benchmarks/bridge.py) in front of the
# values bridge, against the values bridge alone.
VALUES_TWO_HOPS = System("values bridge 2 hops", "bridge", "values", hops=2)
VALUES_ONE_HOP = System("values bridge 1 hop", "bridge", "values")


@dataclass(frozen=True)
class Case:
    shape: str  # a key of LOADS
    clients: int
    records: int = 0  # backlog and burst size
    rate: float = 0.0  # records/s of a paced shape
    seconds: float = 0.0  # how long a paced shape produces
    systems: tuple[System, ...] = (FLOWCAST, BRIDGE)
    parse: bool = False  # clients decode every frame (benchmarks.parsing)
    daphnes: int = 0  # Flowcast's web processes; 0: 2 from Options.daphnes_from clients
    fleet_processes: int = 0  # 0: one per Options.per_process clients
    linger_ms: int = producer.LINGER_MS  # the paced load generator's
    concurrency: int = 0  # handshakes in flight per fleet process; 0: Options'
    repeat: int = 1  # rounds, each system once per round: the median round stands (Run.case)

    @property
    def stalled(self) -> int:
        return 1 if self.shape == "stall" else 0

    @property
    def load(self) -> str:
        """backlog (before reading), paced or burst (after connecting), none."""
        return LOADS[self.shape]

    @property
    def expected(self) -> int:
        """Records every client should get."""
        if self.load == "paced":
            return int(self.rate * self.seconds)
        return self.records if self.load != "none" else 0


@dataclass
class Options:
    per_process: int = 250
    audit: int = 20
    daphnes_from: int = 1000  # K at which Flowcast gets 2 daphne processes
    idle: float = 60.0
    deadline: float = 1200.0
    max_server_mb: float = 6000.0
    connect_concurrency: int = 50  # handshakes in flight per fleet process
    value_bytes: int = producer.VALUE_BYTES  # each record's JSON value


class Run:
    """Everything one `python -m benchmarks` invocation shares: children, workdir, options."""

    def __init__(self, procs: Procs, workdir, options: Options):
        self.procs = procs
        self.workdir = workdir
        self.opts = options
        self._migrated = False
        self.failures = 0  # measurements that could not run: the work dir is kept

    def case(self, case: Case) -> dict[str, Measure]:
        """Each system once; or `case.repeat` rounds, the systems taking turns in each, so
        that a system's figure is the median of its rounds rather than one draw of this
        box's swing (the values bridge's burst rate swung ±15 %)."""
        rounds = [self._round(case) for _ in range(case.repeat)]
        if len(rounds) == 1:
            return rounds[0]
        return {name: median_round([r[name] for r in rounds], case) for name in rounds[0]}

    def _round(self, case: Case) -> dict[str, Measure]:
        return {s.name: self._on_fresh_services(s, case) for s in case.systems}

    def _on_fresh_services(self, system: System, case: Case) -> Measure:
        """A broker and a Redis of its own for each system: the embedded broker's fetches
        cost more with every batch it holds (a probe saw other topics' count too), so on a
        shared one a system would inherit what the one before it had left."""
        with services(self.workdir) as svc:
            app = Flowcast(self.procs, self.workdir, svc)
            if not self._migrated:
                app.migrate()
                self._migrated = True
            return self._safely(system, case, svc, app)

    def _safely(self, system: System, case: Case, svc: Services, app: Flowcast) -> Measure:
        """A system that fails to start or to finish gets a note, and the run goes on."""
        try:
            if system.kind == "flowcast":
                return self._flowcast(system, case, svc, app)
            return self._bridge(system, case, svc)
        except BenchError as exc:
            self.failures += 1
            print(f"   {system.name} failed: {exc}", file=sys.stderr, flush=True)
            missing = case.expected * case.clients
            note = f"failed: {str(exc).splitlines()[0]}"
            return Measure(
                system.name, case.shape, case.clients, case.expected, missing=missing, note=note
            )

    def _topic(self, svc: Services) -> str:
        topic = f"bench-{uuid.uuid4().hex[:8]}"
        producer.create_topic(svc.bootstrap, topic)
        return topic

    def _load(self, case: Case, svc: Services, topic: str) -> Callable | None:
        if case.load == "paced":
            linger = case.linger_ms
            size = self.opts.value_bytes
            return lambda: producer.paced(
                svc.bootstrap, topic, case.rate, case.expected, size, linger_ms=linger
            )
        if case.load == "burst":
            return lambda: producer.fill(svc.bootstrap, topic, case.records, self.opts.value_bytes)
        return None

    def _flowcast(self, system: System, case: Case, svc: Services, app: Flowcast) -> Measure:
        if case.load == "backlog":  # a private event: the worker reads it from the start
            stream = app.create_stream("kafka", frame=system.frame)
            producer.fill(svc.bootstrap, stream.topic, case.records, self.opts.value_bytes)
            source = stream.topic
        else:  # a shared event (or the Kafka Consumer's source) is read from its end
            source = self._topic(svc)
            stream = app.create_stream("shared", source, system.frame, system.hops)
        daphnes = case.daphnes or (2 if case.clients >= self.opts.daphnes_from else 1)
        redis.Redis.from_url(svc.redis_url).delete(WEB_STATS)  # this system's counters only
        children: list[Child] = []
        try:
            with RssMonitor(self.opts.max_server_mb) as monitor:
                _watch_shared(monitor, svc)
                hosts = []
                for i in range(daphnes):
                    child, host = app.daphne(i)
                    children.append(child)
                    monitor.watch(child.name, child.pid)
                    hosts.append(host)
                if case.load in ("paced", "burst"):
                    children += self._workers(app, stream, monitor, assigned=True)
                urls, headers = stream.endpoints(hosts, system.credential)
                fleet = self._fleet(system, case, urls, headers, monitor)
                if case.load == "backlog":  # clients first, then the reader
                    children += self._workers(app, stream, monitor, assigned=False)
                load = self._load(case, svc, source)
                m = self._finish(system, case, fleet, monitor, children, load)
                m.events = _stream_events(svc.redis_url)
                return m
        finally:
            for child in reversed(children):
                self.procs.stop(child)

    def _workers(self, app: Flowcast, stream: Stream, monitor: RssMonitor, *, assigned: bool):
        """The producer's worker (and with two hops the Kafka Consumer's); with `assigned`,
        once they own their partitions."""
        pairs = [("worker", stream.guid)] + [("source", stream.source_guid)] * bool(
            stream.source_guid
        )
        workers = []
        for name, guid in pairs:
            worker = app.worker(guid, name)
            workers.append(worker)
            monitor.watch(name, worker.pid)
        if assigned:
            for (_, guid), worker in zip(pairs, workers, strict=True):
                app.wait_assigned(guid, worker)
            time.sleep(SETTLE)
        return workers

    def _bridge(self, system: System, case: Case, svc: Services) -> Measure:
        topic = self._topic(svc)
        if case.load == "backlog":
            producer.fill(svc.bootstrap, topic, case.records, self.opts.value_bytes)
        port = find_free_port()
        children: list[Child] = []
        try:
            with RssMonitor(self.opts.max_server_mb) as monitor:
                _watch_shared(monitor, svc)
                readers = self._start_bridge(system, case, svc, topic, port, children, monitor)
                if case.load != "backlog":
                    for reader in readers:
                        reader.expect("assigned", 60)
                    time.sleep(SETTLE)
                fleet = self._fleet(system, case, [f"ws://127.0.0.1:{port}/"], {}, monitor)
                load = self._load(case, svc, topic)
                return self._finish(system, case, fleet, monitor, children, load)
        finally:
            for child in reversed(children):
                self.procs.stop(child)

    def _start_bridge(self, system, case, svc, topic, port, children, monitor) -> list[Child]:
        """The bridge's processes (into `children`, watched); returns those that read Kafka.
        Split at Redis: a relay reads and publishes, the bridge serves. Two hops: a bare
        forwarder reads the load's topic into a second one, which the bridge reads."""
        reset = "earliest" if case.load == "backlog" else "latest"
        argv = ["-m", "benchmarks.bridge", "--bootstrap", svc.bootstrap, "--port", str(port)]
        argv += ["--reset", reset, "--fetch-wait-ms", str(settings.FLOWCAST["KAFKA_FETCH_WAIT_MS"])]
        if system.frame == "values":
            argv.append("--values")
        if case.load == "backlog":  # start reading once every client is in
            argv += ["--start-after", str(case.clients + case.stalled)]

        def start(name: str, *extra: str) -> Child:
            group = ["--group", f"bench-{uuid.uuid4().hex}"]
            child = self.procs.spawn(name, [sys.executable, *argv, *group, *extra], pipe=True)
            children.append(child)
            monitor.watch(name, child.pid)
            return child

        if system.relay:
            start("bridge", "--topic", topic, "--subscribe", svc.redis_url).expect("listening", 30)
            return [start("relay", "--topic", topic, "--publish", svc.redis_url)]
        if system.hops == 2:
            second = self._topic(svc)
            bridge = start("bridge", "--topic", second)
            bridge.expect("listening", 30)
            return [bridge, start("forwarder", "--topic", topic, "--forward-to", second)]
        bridge = start("bridge", "--topic", topic)
        bridge.expect("listening", 30)
        return [bridge]

    def _fleet(self, system: System, case: Case, urls, headers, monitor) -> fleetrun.Fleet:
        """Fleet processes with their clients connected (monitor marked "ready" before, a
        backlog's worker not started yet, and "connected" after)."""
        total = case.clients + case.stalled
        deadline = self.opts.deadline
        if case.load == "paced":
            deadline = case.seconds + 2 * self.opts.idle + 60
        # Auditors read every record's send time: only a paced shape needs that.
        audit = max(1, case.clients // max(1, self.opts.audit)) if case.load == "paced" else 0
        template = Config(
            urls=urls,
            headers=headers,
            partitions=producer.PARTITIONS,
            first_index=0,
            clients=0,
            audit_step=audit,
            stalled=0,
            expected=case.expected,
            first_timeout=120.0,
            idle=self.opts.idle,
            deadline=deadline,
            result_path="",
            parse=case.parse,
            connect_only=case.load == "none",
            concurrency=case.concurrency or self.opts.connect_concurrency,
            attempts=1 if case.load == "none" else 4,  # handshakes: each refusal counts
        )
        count = case.fleet_processes or fleetrun.processes(total, self.opts.per_process)
        configs = fleetrun.split(template, case.clients, case.stalled, count)
        rate = f"-{case.rate:g}" if case.load == "paced" else ""
        name = f"{system.name.replace(' ', '-')}-{case.shape}-{case.clients}{rate}"
        return fleetrun.start(self.procs, self.workdir, name, configs, monitor)

    def _finish(self, system, case, fleet, monitor, servers, load) -> Measure:
        began, before = time.time(), monitor.cpu_seconds()
        clients_before = _cpu_of(child.pid for child, _ in fleet.children)
        produced = load() if load is not None else None
        if case.load == "none":  # nothing streams: let the servers report their counters
            time.sleep(STATS_SECONDS)
            note = ""
        else:
            seconds = self.opts.deadline + 120
            note = fleetrun.wait(fleet, monitor, servers, seconds, self.opts.max_server_mb)
        cpu, busy = monitor.cpu_seconds(), monitor.box_busy_seconds()
        result, failed = fleetrun.collect(self.procs, fleet)
        monitor.sample()
        m = summarize(system.name, case, case.expected, result, monitor, cpu, note or failed)
        m.other_cpu = max(0.0, busy - sum(cpu.values()) - result.cpu_seconds)
        m.connect = fleet.connect
        if produced is not None:
            m.load_rate = produced.rate
            m.since_load = rate_since(result, began)
        if case.load == "burst":  # the cost per record, start-up left out
            spent = {k: v - before.get(k, 0.0) for k, v in cpu.items()}
            m.load_cpu = {k: v for k, v in spent.items() if k not in monitor.uncounted}
            m.load_cpu_shared = {k: v for k, v in spent.items() if k in monitor.uncounted}
            m.load_cpu_shared["clients"] = result.cpu_seconds - clients_before
        return m


def _cpu_of(pids) -> float:
    """CPU seconds (user + system) the processes have used so far."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            times = psutil.Process(pid).cpu_times()
            total += times.user + times.system
    return total


def _stream_events(redis_url: str) -> str:
    """The web processes' repair, slow-client and handshake counters (as on /metrics), if
    any moved: why a run was slower is often there. Reported each second, so the last may
    be missing."""
    totals: Counter[str] = Counter()
    for raw in redis.Redis.from_url(redis_url).hvals(WEB_STATS):
        totals.update({k: int(v) for k, v in orjson.loads(raw).items() if v})
    return ", ".join(f"{k} {v:,}" for k, v in sorted(totals.items()))


def _watch_shared(monitor: RssMonitor, svc: Services) -> None:
    """Broker, Redis and this process: shown, not counted as server, and not "other" CPU."""
    monitor.watch("broker", svc.broker_pid, counted=False)
    monitor.watch("redis", svc.redis_pid, counted=False)
    monitor.watch("bench", os.getpid(), counted=False)


def round_figure(case: Case | None) -> Callable[[Measure], float]:
    """What orders a repeated case's rounds: the delivered rate, or for a paced case its
    p99 (the figure that swings with the box: the 2k x 100 p99 ratio read 0.70-1.63)."""
    if case is not None and case.load == "paced":
        return lambda m: m.p99 if m.p99 is not None else math.inf
    return lambda m: m.delivered


def median_round(measures: list[Measure], case: Case | None = None) -> Measure:
    """The median round by round_figure(), with every round's figure; a round cut short
    stands instead (its note makes the verdict n/a)."""
    figure = round_figure(case)
    cut = [m for m in measures if m.note]
    chosen = cut[0] if cut else sorted(measures, key=figure)[len(measures) // 2]
    return replace(chosen, rounds=[figure(m) for m in measures])
