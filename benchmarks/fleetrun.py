"""The orchestrator's side of the client fleet: start it, time its connect phase, collect it.

Fleet processes (benchmarks.fleet) start, build their clients and say `ready`; then all of
them get SIGUSR1 at once, so the connect phase (first handshake started to last one done,
over every process) excludes their start-up, and the servers' CPU during it is theirs.
"""

from __future__ import annotations

import math
import os
import signal
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import orjson

from benchmarks.fleet import Config, FleetResult
from benchmarks.measure import Connect, connect_phase
from benchmarks.stack import Child, Procs, RssMonitor, listen_overflows


@dataclass
class Fleet:
    children: list[tuple[Child, Path]]  # each fleet process and its result file
    connect: Connect


def split(template: Config, clients: int, stalled: int, processes: int) -> list[Config]:
    """One config per fleet process: the clients split evenly, the stalled ones in the first."""
    per = math.ceil(clients / processes)
    return [
        replace(
            template,
            first_index=n * per,
            clients=max(0, min(per, clients - n * per)),
            stalled=stalled if n == 0 else 0,
        )
        for n in range(processes)
    ]


def start(procs: Procs, workdir: Path, name: str, configs: list[Config], monitor: RssMonitor):
    """The fleet processes with their clients connected (or refused)."""
    children = []
    for n, cfg in enumerate(configs):
        result = workdir / f"fleet-{name}-{n}.json"
        config_path = result.with_suffix(".config.json")
        config_path.write_bytes(orjson.dumps(asdict(replace(cfg, result_path=str(result)))))
        argv = [sys.executable, "-m", "benchmarks.fleet", str(config_path)]
        children.append((procs.spawn(f"fleet-{n}", argv, pipe=True), result))
    for child, _ in children:
        child.expect("ready", 300)
    # Servers up, no client yet; marked with the fleet running, because PSS splits the
    # pages the servers share with the fleet's interpreters between them.
    monitor.mark("ready")
    cpu, overflows = monitor.server_cpu_now(), listen_overflows()
    for child, _ in children:
        os.kill(child.pid, signal.SIGUSR1)
    lines = [child.expect("connected", 600) for child, _ in children]
    connect = connect_phase(lines)
    connect.server_cpu = monitor.server_cpu_now() - cpu
    connect.overflows = listen_overflows() - overflows
    monitor.mark("connected")
    return Fleet(children, connect)


def wait(fleet: Fleet, monitor: RssMonitor, servers: list[Child], seconds: float, max_mb: float):
    """Wait for the fleet processes; a non-empty return says why the measurement was cut."""
    deadline = time.monotonic() + seconds
    while any(child.running() for child, _ in fleet.children):
        if monitor.over_limit.is_set():
            return f"stopped: server RSS passed {max_mb:g} MB"
        dead = [s.name for s in servers if not s.running()]
        if dead:
            return f"stopped: {', '.join(dead)} exited"
        if time.monotonic() > deadline:
            return "stopped: fleet deadline"
        time.sleep(0.2)
    return ""


def collect(procs: Procs, fleet: Fleet) -> tuple[FleetResult, str]:
    """Every fleet process's result (those still running are stopped: SIGTERM, they still
    write what they measured); the text says which one failed, if any."""
    result, failed = FleetResult(), ""
    for child, path in fleet.children:
        procs.stop(child)
        if path.exists():
            result.merge(orjson.loads(path.read_bytes()))
        elif not failed:
            failed = f"{child.name} failed, see its log"
    return result, failed


def processes(clients: int, per_process: int) -> int:
    return max(1, math.ceil(clients / per_process))
