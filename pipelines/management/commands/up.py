"""The embedded default: broker, Redis, web server, supervisor and demo traffic on one machine.

Starts the embedded broker and Redis only when KAFKA_BOOTSTRAP_SERVERS / REDIS_URL are
unset, runs every other process as a child with those addresses in its environment, and
stops all of them (then the embedded services) on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pipelines.dev import beside_up
from pipelines.dev.demo import demo_endpoint
from pipelines.dev.embedded import embedded_stack
from pipelines.runtime.processes import Child, daphne_command, manage_command


class Command(BaseCommand):
    help = "Run Flowcast on one machine: embedded services, web, workers, demo traffic."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--web-workers", type=int, default=1, help="daphne processes (ports port, port+1, …)"
        )
        parser.add_argument(
            "--no-demo", action="store_true", help="Skip the demo pipeline and its traffic."
        )
        parser.add_argument("--demo-rate", type=float, default=5.0, help="Demo records per second.")

    def handle(self, *args, **options):
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        with embedded_stack(workdir=settings.DATA_DIR / "embedded") as endpoints:
            env = {
                **os.environ,
                "KAFKA_BOOTSTRAP_SERVERS": endpoints.bootstrap_servers,
                "REDIS_URL": endpoints.redis_url,
            }
            self._prepare(env, options)
            children = self._start_children(env, options)
            record = beside_up.write(settings.DATA_DIR, *endpoints)
            try:
                self._wait_for_http(options["host"], options["port"], children, stop)
                self._banner(env, options, endpoints)
                self._watch(children, stop)
            finally:
                record.unlink(missing_ok=True)
                self.stderr.write("Stopping…")
                for child in reversed(children):
                    child.stop()
        self.stderr.write("Stopped.")

    def _prepare(self, env: dict, options: dict) -> None:
        subprocess.run(manage_command("migrate", "--no-input", "-v0"), env=env, check=True)
        if not options["no_demo"]:
            subprocess.run(manage_command("load_demo"), env=env, check=True)

    def _start_children(self, env: dict, options: dict) -> list[Child]:
        children = []
        for i in range(options["web_workers"]):
            port = options["port"] + i
            log = str(settings.DATA_DIR / f"access-{port}.log")
            argv = daphne_command(options["host"], port, access_log=log)
            children.append(Child(f"daphne :{port}", argv, env).start())
        children.append(Child("supervisor", manage_command("run_pipelines"), env).start())
        if not options["no_demo"]:
            argv = manage_command("demo_traffic", "--rate", str(options["demo_rate"]))
            children.append(Child("demo traffic", argv, env).start())
        return children

    def _wait_for_http(
        self, host: str, port: int, children: list[Child], stop: threading.Event
    ) -> None:
        deadline = time.monotonic() + 60
        while not stop.is_set():
            try:
                socket.create_connection((host, port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline or not children[0].running():
                    raise CommandError(f"The web server did not start on {host}:{port}.") from None
                stop.wait(0.2)

    def _watch(self, children: list[Child], stop: threading.Event) -> None:
        while not stop.wait(0.5):
            dead = [c for c in children if not c.running()]
            if dead:
                names = ", ".join(f"{c.name} (exit {c.exit_code()})" for c in dead)
                raise CommandError(f"Stopped because a process ended: {names}")

    def _banner(self, env: dict, options: dict, endpoints) -> None:
        base = f"http://{options['host']}:{options['port']}"
        lines = [
            "",
            f"Flowcast is up at {base}/",
            f"  Pipelines and editor: {base}/pipelines/",
            f"  Admin:                {base}/admin/",
            f"  API docs:             {base}/api/docs/",
            f"  Prometheus metrics:   {base}/metrics",
            f"  Kafka:                {endpoints.bootstrap_servers}",
            f"  Redis:                {endpoints.redis_url}",
        ]
        demo = None if options["no_demo"] else demo_endpoint(base)
        if demo:
            lines += [
                f"  Live demo dashboard:  {demo['dashboard']}",
                f"  Demo monitoring:      {demo['monitoring']}",
                "  Stream it from a terminal (the secret is read from a file, never printed):",
                f"    .venv/bin/python -m producer.tail {demo['endpoint']}"
                f" --secret-file {demo['secret_file']}",
            ]
        lines.append("Press Ctrl-C to stop everything.")
        self.stdout.write("\n".join(lines))
