"""Processes of a benchmark run: started in their own sessions, watched, always stopped.

Every child (daphne, workers, the bridge, fleet processes) goes through `Procs`, which
stops whole process groups at the end, also on Ctrl-C or an error, so a run never leaves
a server or 250 clients behind. `RssMonitor` samples the servers' memory meanwhile.
"""

from __future__ import annotations

import contextlib
import os
import resource
import select
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from pipelines.dev.embedded import EmbeddedBroker, EmbeddedRedis

ROOT = Path(__file__).resolve().parent.parent  # the checkout: children run from here
STOP_GRACE = 10.0
LOG_TAIL_BYTES = 3000


class BenchError(RuntimeError):
    """A measurement could not run; the message names what failed and shows its log."""


class Child:
    """One child process; stderr (and stdout unless piped) goes to `log_path`."""

    def __init__(self, name: str, popen: subprocess.Popen, log_path: Path):
        self.name = name
        self.popen = popen
        self.log_path = log_path

    @property
    def pid(self) -> int:
        return self.popen.pid

    def running(self) -> bool:
        return self.popen.poll() is None

    def tail(self) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_bytes()[-LOG_TAIL_BYTES:].decode(errors="replace")
        return ""

    def expect(self, word: str, timeout: float) -> str:
        """Read stdout lines until one starts with `word`; fail if the child exits or stalls."""
        assert self.popen.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.popen.stdout], [], [], 0.2)
            if ready:
                line = self.popen.stdout.readline().decode().strip()
                if line.startswith(word):
                    return line
                if not line and not self.running():
                    break
            elif not self.running():
                break
        raise BenchError(f"{self.name} did not say {word!r} within {timeout:g} s:\n{self.tail()}")


class Procs:
    """The run's children; `stop_all()` (or leaving the `with`) ends every process group."""

    def __init__(self, logdir: Path):
        self.logdir = logdir
        self.children: list[Child] = []

    def spawn(
        self,
        name: str,
        argv: Sequence[str],
        env: Mapping[str, str] | None = None,
        *,
        pipe: bool = False,
    ) -> Child:
        log_path = self.logdir / f"{name.replace(' ', '-').replace(':', '-')}.log"
        with open(log_path, "ab") as log:
            popen = subprocess.Popen(
                list(argv),
                env=dict(env) if env is not None else None,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE if pipe else log,
                stderr=log,
                start_new_session=True,  # Ctrl-C reaches only us; we stop the group
            )
        child = Child(name, popen, log_path)
        self.children.append(child)
        return child

    def stop(self, child: Child, grace: float = STOP_GRACE) -> None:
        """SIGTERM the group, wait `grace` s, SIGKILL what is left, reap."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.popen.wait(grace)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)
        child.popen.wait()
        if child.popen.stdout is not None:
            child.popen.stdout.close()
        if child in self.children:
            self.children.remove(child)

    def stop_all(self) -> None:
        for child in reversed(list(self.children)):
            self.stop(child, grace=3.0)

    def __enter__(self) -> Procs:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop_all()


@dataclass(frozen=True)
class Services:
    bootstrap: str
    redis_url: str
    redis_pid: int
    broker_pid: int


@contextlib.contextmanager
def services(workdir: Path) -> Iterator[Services]:
    """A fresh embedded broker and Redis, so no measurement inherits another's topics."""
    with EmbeddedBroker(workdir=workdir) as broker, EmbeddedRedis(workdir=workdir) as redis:
        assert redis.process is not None and broker.process is not None
        yield Services(broker.bootstrap_servers, redis.url, redis.process.pid, broker.process.pid)


def raise_open_files() -> tuple[int, int]:
    """The soft limit on open files up to the hard one, for this process and the children
    it starts (a socket per client: 10,000 clients need 10,000 in the fleet and in the
    servers); returns (soft, hard) as they are then."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 1 << 20
    if soft < wanted:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)


def listen_overflows() -> int:
    """The box's count of connections dropped because a listen queue was full (TcpExt
    ListenOverflows, Linux): a connect storm beyond a server's accept backlog shows here,
    and each such client waits for its SYN to be sent again (1 s, then 3 s ...)."""
    try:
        with open("/proc/net/netstat") as f:
            lines = [line.split() for line in f if line.startswith("TcpExt:")]
        return int(dict(zip(lines[0], lines[1], strict=True))["ListenOverflows"])
    except (OSError, KeyError, IndexError, ValueError):
        return 0


def tcp_memory_mb() -> float:
    """Memory in all TCP socket buffers of the box (Linux /proc/net/sockstat; 0 elsewhere).

    Server and clients share one kernel here: past net.ipv4.tcp_mem's middle value the
    kernel is in TCP memory pressure, drops segments and connections wait on retransmission
    timeouts, so a run that crossed it has stragglers whoever filled the buffers."""
    try:
        with open("/proc/net/sockstat") as f:
            for line in f:
                if line.startswith("TCP:"):
                    fields = line.split()
                    return int(fields[fields.index("mem") + 1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        pass
    return 0.0


PSS_SECONDS = 1.0


class RssMonitor:
    """Samples the resident memory of named processes in a thread; keeps the peaks.

    RSS counts a shared library's pages once per process that maps it, so the sum over a
    server of several processes (2 daphne + a worker) counts ~25 MB of the same
    interpreter and library pages two or three times. The summed PSS (each shared page
    split between the processes that map it) is what the server costs the machine, and
    is kept next to it.

    `over_limit` is set when their sum passes `limit_mb`, so a run can stop before a server
    that buffers without bound takes the machine down.
    """

    def __init__(self, limit_mb: float, interval: float = 0.25):
        self.limit_mb = limit_mb
        self.interval = interval
        self.procs: dict[str, psutil.Process] = {}
        self.uncounted: set[str] = set()  # shown per process, left out of the total
        self.peak_mb: dict[str, float] = {}
        self.peak_total_mb = 0.0
        self.peak_total_pss_mb = 0.0
        self.peak_tcp_mb = 0.0  # the whole box's TCP buffers, clients' included
        self._pss, self._pss_at = 0.0, 0.0
        self.marks: dict[str, float] = {}  # summed RSS at named moments
        self.pss_marks: dict[str, float] = {}  # summed PSS at the same moments
        self.over_limit = threading.Event()
        self.times_at_watch: dict[str, Any] = {}  # psutil cpu_times when watched
        self.box_start = psutil.cpu_times()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def watch(self, name: str, pid: int, *, counted: bool = True) -> None:
        with contextlib.suppress(psutil.Error):
            self.procs[name] = proc = psutil.Process(pid)
            self.times_at_watch[name] = proc.cpu_times()
            if not counted:
                self.uncounted.add(name)

    def mark(self, moment: str) -> None:
        """Note the servers' summed RSS and PSS now, e.g. "ready" (no client) or "connected"."""
        self.marks[moment] = self._total()
        self.pss_marks[moment] = self._summed_pss()

    def server_cpu_now(self) -> float:
        """CPU time (user + system) the counted processes have used so far."""
        total = 0.0
        for name, proc in list(self.procs.items()):
            if name not in self.uncounted:
                with contextlib.suppress(psutil.Error):
                    times = proc.cpu_times()
                    total += times.user + times.system
        return total

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time (user + system) each watched process has used since it was watched."""
        return self._since_watch(lambda t: t.user + t.system)

    def kernel_seconds(self) -> dict[str, float]:
        """The part of cpu_seconds spent in the kernel: for a server, mostly its sends."""
        return self._since_watch(lambda t: t.system)

    def _since_watch(self, part: Callable) -> dict[str, float]:
        used = {}
        for name, proc in self.procs.items():
            with contextlib.suppress(psutil.Error):
                used[name] = part(proc.cpu_times()) - part(self.times_at_watch[name])
        return used

    def box_busy_seconds(self) -> float:
        """CPU time the whole machine spent busy since this monitor started."""
        now, start = psutil.cpu_times(), self.box_start
        return (now.user + now.nice + now.system + now.irq + now.softirq + now.steal) - (
            start.user + start.nice + start.system + start.irq + start.softirq + start.steal
        )

    def _total(self) -> float:
        return self._totals()[0]

    def _totals(self) -> tuple[float, float]:
        """Summed RSS and PSS (MB) of the counted processes; PSS as last read.

        PSS comes from smaps_rollup, which the kernel builds by walking the whole address
        space. Read 4 times a second it took 3 of the orchestrator's 3.7 CPU-s in a
        1000-client Flowcast case (3 processes) against 1.1 in the bridge's (1 process),
        CPU the servers measured were short of. So it is read when the summed RSS passes
        its peak (PSS <= RSS: only then can PSS peak) or a second after the last read."""
        rss = 0.0
        for name, proc in list(self.procs.items()):
            with contextlib.suppress(psutil.Error):
                mb = proc.memory_info().rss / 2**20  # statm: cheap
                self.peak_mb[name] = max(self.peak_mb.get(name, 0.0), mb)
                if name not in self.uncounted:
                    rss += mb
        now = time.monotonic()
        if rss > self.peak_total_mb or now - self._pss_at >= PSS_SECONDS:
            self._pss_at, self._pss = now, self._summed_pss()
        return rss, self._pss

    def _summed_pss(self) -> float:
        pss = 0.0
        for name, proc in list(self.procs.items()):
            if name not in self.uncounted:
                with contextlib.suppress(psutil.Error):
                    pss += proc.memory_full_info().pss / 2**20
        return pss

    def sample(self) -> None:
        total, pss = self._totals()
        self.peak_total_mb = max(self.peak_total_mb, total)
        self.peak_total_pss_mb = max(self.peak_total_pss_mb, pss)
        self.peak_tcp_mb = max(self.peak_tcp_mb, tcp_memory_mb())
        if total > self.limit_mb:
            self.over_limit.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> RssMonitor:
        self.box_start = psutil.cpu_times()
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
