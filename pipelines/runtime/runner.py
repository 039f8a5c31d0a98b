"""The shape every component runner has: a loop of small steps, a stop flag, a heartbeat.

`run_component` installs signal handlers that only call request_stop(); the loop then
finishes its current step (a whole batch), commits and returns, so SIGTERM never loses
or repeats a delivered batch.
"""

from __future__ import annotations

import gc
import logging
import os
import resource
import socket
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

import psutil
from confluent_kafka import OFFSET_INVALID, KafkaError, KafkaException, Message, TopicPartition
from django.conf import settings

from pipelines.rules.rates import RateMeter
from pipelines.runtime import heartbeats, liveness, rejoin
from pipelines.runtime.deployed_versions import DeployedComponent

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 1.0
FIRST_RECORD_WAIT = 0.1  # idle: block this long for the first record (no busy loop)
FILL_WAIT = 0.004  # busy: then take what else arrives within a few ms (the latency floor)
# Python, librdkafka's threads and their malloc arenas need this much beyond the configured
# limit before a single record is read (measured on a producer instance: ~115 MB of data
# segment, ~470 MB of address space, 100 MB resident).
MEMORY_MARGIN_MB = 256
# Tests only: a pause after each batch, to build up lag behind a deliberately slow instance.
TEST_DELAY_ENV = "FLOWCAST_TEST_DELAY_PER_BATCH"


@dataclass(frozen=True)
class LagSource:
    """Where an instance's consumer lag is measured: by the supervisor's reports and by KEDA."""

    servers: str
    group: str
    topic: str
    offset_reset: str


class Runner:
    consumer = None  # the Kafka consumer whose lag the heartbeat reports, if any

    @classmethod
    def lag_source(cls, deployed: DeployedComponent) -> LagSource | None:
        return None

    def __init__(self, deployed: DeployedComponent):
        self.deployed = deployed
        self.test_delay = settings.FLOWCAST["TEST_DELAY_PER_BATCH"]
        self.process = psutil.Process()
        self.process.cpu_percent(None)  # the first call only starts the measurement
        self._partition_count: int | None = None
        self.instance_id = f"{socket.gethostname()}-{os.getpid()}"
        self._stop = threading.Event()
        self._last_beat = 0.0
        self.liveness_file = liveness.configured_path()  # Kubernetes' exec probe reads it
        self.rates = RateMeter(HEARTBEAT_SECONDS)
        self._polled_bytes = 0  # value bytes of the last batch poll_messages returned
        self._stamped_error = ""
        self.assigned: list[int] = []  # partitions this instance owns right now
        # Next offset after what this instance finished, per (topic, partition): where it
        # resumes after a lost assignment (pipelines.runtime.rejoin).
        self.done: dict[tuple[str, int], int] = {}
        self._assignment_lost = False
        self._last_lag: dict = {}
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
        # Everything loaded so far (Django, the deployment) lives as long as the process:
        # out of the collector's sight, a full collection no longer walks it between two
        # batches (51 ms measured with Django loaded, 0 after the freeze).
        gc.freeze()
        try:
            while not self.stopping:
                before = self.stats["records_in"]
                self.step()
                if self.stats["records_in"] > before:
                    self.stats["last_processed_at"] = time.time()
                    self.stats["last_batch_records"] = self.stats["records_in"] - before
                    self.stats["last_batch_bytes"] = self._polled_bytes
                    if self.test_delay:
                        self.wait(self.test_delay)
                self.heartbeat()
        finally:
            self.close()
            if self.stopping:  # asked to stop; after a failure the last report stays a while
                self._forget()

    def _forget(self) -> None:
        try:
            heartbeats.forget(self.deployed.guid, self.instance_id)
        except Exception as exc:  # Redis away: the key expires by itself
            log.info("Could not remove the status of a stopped instance: %s", exc)

    def open(self) -> None:
        """Connect to what the runner needs."""

    def step(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Finish in-flight work and release connections."""

    def status(self) -> dict:
        return {"assigned": self.assigned}

    def _on_assign(self, consumer, partitions) -> None:
        """Resume where this instance had got to, and report the assignment at once: tests
        and status pages wait for it."""
        try:
            moved = rejoin.resume(consumer, partitions, self.done)
        except KafkaException as exc:  # the group's committed offsets apply, as always
            log.warning("%s: own positions not applied: %s", self.deployed.name, exc)
        else:
            if moved:
                log.info("%s: resuming where this instance was: %s", self.deployed.name, moved)
        self._assignment_lost = False
        self.assigned = sorted(p.partition for p in partitions)
        self.heartbeat(force=True)

    def _on_lost(self, consumer, partitions) -> None:
        """The group went on without this instance (no coordinator answered within the
        session timeout: the broker was away). Don't commit: the partitions may belong to
        another member already (DESIGN §9). librdkafka rejoins by itself once the
        coordinator is back, and _on_assign resumes where this instance was."""
        log.warning("%s: partition assignment lost; rejoining", self.deployed.name)
        self._assignment_lost = True
        self.assigned = []
        self.stats["last_error"] = "Kafka: partition assignment lost (group session timed out)"
        self.heartbeat(force=True)

    def _on_kafka_error(self, error: KafkaError) -> None:
        """error_cb of the runner's Kafka clients (broker down, transport errors): shown as
        the last error. librdkafka retries by itself; it logs them too."""
        self.stats["last_error"] = f"Kafka: {error.str()}"

    def store(self, offsets: list[TopicPartition]) -> None:
        """Store offsets for the next auto-commit, and remember them as this instance's own."""
        self.consumer.store_offsets(offsets=offsets)
        for tp in offsets:
            self.done[(tp.topic, tp.partition)] = tp.offset

    def heartbeat(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_beat < HEARTBEAT_SECONDS:
            return
        self._last_beat = now
        if self.liveness_file:
            liveness.beat(self.liveness_file)
        self._stamp_error()
        totals = {k: self.stats[k] for k in ("records_in", "records_out", "failed")}
        rates = {f"{k}_per_sec": round(v, 1) for k, v in self.rates.update(now, totals).items()}
        data = {
            "records_per_sec": rates["records_out_per_sec"],  # the output rate, as before
            **rates,
            "instance": self.instance_id,
            "guid": self.deployed.guid,
            "version": self.deployed.version,
            "started_at": self.started_at,
            "reported_at": time.time(),
            **self.stats,
            **self.usage(),
            **self.lag(),
            **self.status(),
        }
        try:
            heartbeats.report(self.deployed.guid, self.instance_id, data)
        except Exception as exc:  # status is best effort; the stream must go on
            log.warning("Could not report status: %s", exc)

    def _stamp_error(self) -> None:
        """When last_error changed, to the heartbeat: runners only set the message."""
        if self.stats["last_error"] != self._stamped_error:
            self._stamped_error = self.stats["last_error"]
            self.stats["last_error_at"] = time.time() if self._stamped_error else None

    def usage(self) -> dict:
        """CPU and memory use of this process, next to what Resource Configuration asks for."""
        cpu = self.process.cpu_percent(None)
        resources = self.deployed.config.get("resources") or {}
        keys = ("cpu_request", "cpu_limit", "memory_request", "memory_limit")
        return {
            "cpu_percent": round(cpu, 1),
            "cpu_millicores": round(cpu * 10),
            "rss_mb": round(self.process.memory_info().rss / 2**20, 1),
            "resources": {k: resources[k] for k in keys if k in resources},
        }

    def lag(self) -> dict:
        """Consumer lag per assigned partition: high watermark minus the next offset to deliver.

        The cached high watermark comes with every fetch response of this consumer, so it is
        right where ListOffsets is not (the embedded broker answers it with the first offset
        of the last batch) and it costs no round trip. While the assignment is lost or the
        lag cannot be measured (the broker is away), the last measured lag stands: an outage
        is not "no lag".
        """
        source = self.lag_source(self.deployed)
        if self.consumer is None or source is None:
            return {}
        if not self._assignment_lost:
            self._last_lag = self._measure_lag(source) or self._last_lag
        return self._last_lag

    def _measure_lag(self, source: LagSource) -> dict | None:
        try:
            assigned = self.consumer.assignment()
            positions = self.consumer.position(assigned) if assigned else []
            starts = self._start_offsets([tp for tp in positions if tp.offset < 0])
            per_partition = {}
            for tp in positions:
                key = f"{tp.topic}:{tp.partition}"
                low, high = self.consumer.get_watermark_offsets(tp, cached=True)
                if high < 0:
                    continue  # no fetch response yet: unknown, not zero
                start = starts.get(key) if tp.offset < 0 else tp.offset
                if start is None:  # no commit either: where the offset reset starts
                    start = max(low, 0) if source.offset_reset == "earliest" else high
                per_partition[key] = max(high - start, 0)
            partitions = self._partitions(source.topic)
        except Exception as exc:  # lag is best effort; the stream must go on
            log.info("Lag not measured: %s", exc)
            return None
        return {"lag": sum(per_partition.values()), "partition_lag": per_partition, **partitions}

    def _start_offsets(self, partitions: list) -> dict[str, int]:
        """Partitions with nothing delivered yet by this instance: the group's committed offsets."""
        if not partitions:
            return {}
        asked = [TopicPartition(tp.topic, tp.partition) for tp in partitions]
        return {
            f"{tp.topic}:{tp.partition}": tp.offset
            for tp in self.consumer.committed(asked, timeout=1)
            if tp.offset != OFFSET_INVALID and tp.offset >= 0
        }

    def _partitions(self, topic: str) -> dict:
        if self._partition_count is None:
            metadata = self.consumer.list_topics(topic, timeout=2).topics.get(topic)
            if metadata is not None and metadata.error is None:
                self._partition_count = len(metadata.partitions)
        return {} if self._partition_count is None else {"partitions": self._partition_count}

    def poll_messages(
        self, consumer, batch_size: int, fill_wait: float = FILL_WAIT, since: float | None = None
    ) -> list:
        """Up to batch_size messages: wait for one, then take what is ready within fill_wait.

        With `since` (the monotonic time the last batch was cut) fill_wait is the least gap
        between batches instead: a record after a quiet spell goes at once, a busy stream is
        cut every fill_wait. A wait counted from the first record cost every record of a slow
        stream that much latency for nothing to batch it with.
        """
        first = consumer.poll(FIRST_RECORD_WAIT)
        if first is None:
            return []
        messages = [first]
        if since is not None:
            fill_wait = max(0.0, since + fill_wait - time.monotonic())
        if batch_size > 1:
            messages += consumer.consume(batch_size - 1, timeout=fill_wait)
        usable = messages
        if any(map(Message.error, messages)):
            usable = [m for m in messages if m.error() is None]
            self._note_errors(m.error() for m in messages if m.error() is not None)
        # Once per batch for the monitoring's Last Processed Size: a Message's len() is its
        # value's (0 without one), no decoding.
        self._polled_bytes = sum(map(len, usable))
        return usable

    def _note_errors(self, errors: Iterable[KafkaError]) -> None:
        for error in errors:
            if error.code() != KafkaError._PARTITION_EOF:
                self.stats["last_error"] = str(error)
                log.warning("Kafka error on %s: %s", self.deployed.name, error)

    def wait(self, seconds: float) -> None:
        """Sleep that ends early on stop, for back-off between retries."""
        if self.liveness_file:  # waiting for Kafka or Redis to come back is alive
            liveness.beat(self.liveness_file)
        self._stop.wait(seconds)


def apply_memory_limit(deployed: DeployedComponent) -> int | None:
    """Cap this process's data segment at the memory limit plus MEMORY_MARGIN_MB; returns bytes.

    RLIMIT_DATA, not RLIMIT_AS: librdkafka's threads reserve hundreds of MB of address space
    (stacks, malloc arenas) that is never used, so an address-space cap near the configured
    limit breaks start-up, while the data segment tracks what the process really writes.
    Past it allocations fail (MemoryError), the instance exits and the supervisor restarts it,
    as Kubernetes would after an OOM kill.
    """
    if "resources" not in deployed.config:  # a type without Resource Configuration
        return None
    limit = (deployed.resources.memory_limit + MEMORY_MARGIN_MB) * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    return limit
