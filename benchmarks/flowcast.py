"""Flowcast as it runs in production: daphne processes and a `run_component` worker.

The same commands as `manage.py up` and the integration fixtures (`daphne_command`,
`run_component`), pointed at this run's embedded broker, Redis and SQLite file.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import orjson
import redis

from benchmarks.stack import ROOT, BenchError, Child, Procs, Services

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from pipelines.dev.embedded import find_free_port
from pipelines.redis_keys import INSTANCE_PREFIX as PREFIX
from pipelines.runtime.processes import daphne_command, manage_command


@dataclass(frozen=True)
class Stream:
    """A deployed, active benchmark pipeline: what clients and the worker need."""

    guid: str  # the WebSocket Producer's
    ingestion_id: str
    secret: str
    token: str  # for `?token=` (minted when the pipeline was made)
    topic: str  # the producer's input
    source_guid: str = ""  # two hops: the Kafka Consumer feeding that input

    def endpoints(self, hosts: list[str], credential: str) -> tuple[list[str], dict[str, str]]:
        """URLs and headers for clients presenting the secret (a header) or a token."""
        urls = [f"ws://{h}/ws/producers/{self.ingestion_id}/" for h in hosts]
        if credential == "token":
            return [f"{url}?token={self.token}" for url in urls], {}
        return urls, {"Authorization": f"Bearer {self.secret}"}


class Flowcast:
    def __init__(self, procs: Procs, workdir: Path, svc: Services):
        self.procs = procs
        self.svc = svc
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "KAFKA_BOOTSTRAP_SERVERS": svc.bootstrap,
            "REDIS_URL": svc.redis_url,
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "SECRET_KEY": _run_secret(workdir),
            "FLOWCAST_DATA_DIR": str(workdir / "data"),
            "LOG_LEVEL": "WARNING",
        }

    def _call(self, argv: list[str], what: str) -> str:
        done = subprocess.run(argv, env=self.env, cwd=ROOT, capture_output=True, timeout=120)
        if done.returncode != 0:
            raise BenchError(f"{what} failed:\n{done.stderr.decode(errors='replace')[-3000:]}")
        return done.stdout.decode()

    def migrate(self) -> None:
        self._call(manage_command("migrate", "--no-input", "-v", "0"), "migrate")

    def create_stream(
        self, kind: str, topic: str = "", frame: str = "batch", hops: int = 1, batch_size: int = 500
    ) -> Stream:
        argv = [sys.executable, "-m", "benchmarks.pipeline", "--kind", kind, "--topic", topic]
        argv += ["--frame", frame, "--batch-size", str(batch_size), "--hops", str(hops)]
        info = orjson.loads(self._call(argv, "creating the pipeline").strip().splitlines()[-1])
        return Stream(**info)

    def daphne(self, index: int) -> tuple[Child, str]:
        """One daphne process; returns it and its host:port once it accepts connections."""
        port = find_free_port()
        child = self.procs.spawn(f"daphne-{index}", daphne_command("127.0.0.1", port), self.env)
        deadline = time.monotonic() + 60
        while not _port_open(port):
            if not child.running() or time.monotonic() > deadline:
                raise BenchError(f"daphne on {port} did not start:\n{child.tail()}")
            time.sleep(0.1)
        return child, f"127.0.0.1:{port}"

    def worker(self, guid: str, name: str = "worker") -> Child:
        return self.procs.spawn(name, manage_command("run_component", guid), self.env)

    def wait_assigned(self, guid: str, worker: Child, timeout: float = 60) -> None:
        """Until the worker's heartbeat says it owns partitions (pipelines.runtime.heartbeats)."""
        client = redis.Redis.from_url(self.svc.redis_url)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if not worker.running():
                    break
                keys = list(client.scan_iter(match=f"{PREFIX}:{guid}:*"))
                reports = [orjson.loads(v) for v in client.mget(keys) if v] if keys else []
                if any(r.get("assigned") for r in reports):
                    return
                time.sleep(0.1)
        finally:
            client.close()
        raise BenchError(
            f"the worker was not assigned partitions in {timeout:g} s:\n{worker.tail()}"
        )


def _run_secret(workdir: Path) -> str:
    path = workdir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text()


def _port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False
