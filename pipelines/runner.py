"""The shape every component runner has: a loop of small steps, a stop flag, a heartbeat.

`run_component` installs signal handlers that only call request_stop(); the loop then
finishes its current step (a whole batch), commits and returns, so SIGTERM never loses
or repeats a delivered batch.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from confluent_kafka import KafkaError

from pipelines import instances
from pipelines.deployment import DeployedComponent

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 1.0
FIRST_RECORD_WAIT = 0.1  # idle: block this long for the first record (no busy loop)
FILL_WAIT = 0.004  # busy: then take what else arrives within a few ms (the latency floor)


class Runner:
    def __init__(self, deployed: DeployedComponent):
        self.deployed = deployed
        self.instance_id = f"{socket.gethostname()}-{os.getpid()}"
        self._stop = threading.Event()
        self._last_beat = 0.0
        self._last_out = 0
        self.rate = 0.0
        self.stats = {
            "records_in": 0,
            "records_out": 0,
            "failed": 0,
            "batches": 0,
            "last_error": "",
        }
        self.started_at = time.time()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def request_stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        self.open()
        try:
            while not self.stopping:
                self.step()
                self.heartbeat()
        finally:
            self.close()

    def open(self) -> None:
        """Connect to what the runner needs."""

    def step(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Finish in-flight work and release connections."""

    def status(self) -> dict:
        return {}

    def heartbeat(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_beat < HEARTBEAT_SECONDS:
            return
        elapsed = now - self._last_beat if self._last_beat else 0.0
        out = self.stats["records_out"]
        self.rate = (out - self._last_out) / elapsed if elapsed else 0.0
        self._last_beat, self._last_out = now, out
        data = {
            "records_per_sec": round(self.rate, 1),
            "instance": self.instance_id,
            "guid": self.deployed.guid,
            "version": self.deployed.version,
            "started_at": self.started_at,
            "reported_at": time.time(),
            **self.stats,
            **self.status(),
        }
        try:
            instances.report(self.deployed.guid, self.instance_id, data)
        except Exception as exc:  # status is best effort; the stream must go on
            log.warning("Could not report status: %s", exc)

    def poll_messages(self, consumer, batch_size: int) -> list:
        """Up to batch_size messages: wait for one, then take what is ready within a few ms."""
        first = consumer.poll(FIRST_RECORD_WAIT)
        if first is None:
            return []
        messages = [first]
        if batch_size > 1:
            messages += consumer.consume(batch_size - 1, timeout=FILL_WAIT)
        return [m for m in messages if self._usable(m)]

    def _usable(self, message) -> bool:
        error = message.error()
        if error is None:
            return True
        if error.code() != KafkaError._PARTITION_EOF:
            self.stats["last_error"] = str(error)
            log.warning("Kafka error on %s: %s", self.deployed.name, error)
        return False

    def wait(self, seconds: float) -> None:
        """Sleep that ends early on stop, for back-off between retries."""
        self._stop.wait(seconds)
