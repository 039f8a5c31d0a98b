"""The WebSocket Producer worker: input event → batches → one channel-layer message each.

Steps: poll_batch (wait for one record, then take what else is ready within a few ms),
encode once (producer.frames), send poison records to the failover topic, publish one
group message, then store the offsets (committed by the consumer every second and on
stop). Redis down: the same batch is retried with back-off and nothing is committed.
"""

from __future__ import annotations

import logging
import time

from channels.layers import get_channel_layer
from confluent_kafka import Consumer, Producer, TopicPartition
from django.core.exceptions import ImproperlyConfigured

from pipelines import redis_keys
from pipelines.monitoring import clients
from pipelines.runtime import kafka
from pipelines.runtime.deployed_versions import DeployedComponent
from pipelines.runtime.runner import FILL_WAIT, LagSource, Runner
from producer.credit_gate import CreditGate
from producer.frames import EncodedBatch, Record, encode_batch, record_id, run_ends
from producer.groups import stream_group
from producer.stream_publisher import StreamPublisher

log = logging.getLogger(__name__)

MAX_BACKOFF = 5.0
TICK_SECONDS = 1.0  # progress messages and the audience count, this often
# Up to this many clients, batches are cut FEW_CLIENTS_GAP apart; past it, FILL_WAIT: a
# crowd shares each frame, and every frame costs each client's socket a send and a parse.
FEW_CLIENTS, FEW_CLIENTS_GAP = 10, 0.001


def fill_wait(clients: int) -> float:
    """The least gap between two batches, by audience size (Runner.poll_messages `since`).

    A gap, not a wait after the first record: a slow stream's records go at once, a busy one
    is cut every gap. Measured at 100 parsing clients on a 2-core box, p50 / p99 ms: 200
    records/s, an 8 ms wait after the first record 18.7 / 30.1; an 8 ms gap 17.2 / 26.8; a 4
    ms gap 13.1 / 21.9 (the values bridge 13.7 / 21.2, its own 5 ms consume timeout). At 2k
    records/s the 4 ms gap gave 19.1-21.8 p50 against 25.5 with the 8 ms wait. 1 client:
    13 ms p50 with 1 ms, 16 ms with 4 ms (2k records/s).
    """
    return FEW_CLIENTS_GAP if clients <= FEW_CLIENTS else FILL_WAIT


Spans = dict[tuple[str, int], list[int]]  # (topic, partition) → [first, last] offset


def offset_spans(records: list[Record], runs: list[int] | None = None) -> Spans:
    """The offsets a batch holds, per partition, for its covers and its commit. Kafka hands
    a partition's records over in offset order, so the ends of each run of one partition
    (`runs`, as encode_batch found them) say it all: a pass over every record was a tenth of
    the worker's encoding time."""
    spans: Spans = {}
    start = 0
    for end in run_ends(records) if runs is None else runs:
        first, last = records[start], records[end - 1]
        key = (first.topic(), first.partition())
        span = spans.get(key)
        if span is None:
            spans[key] = [first.offset(), last.offset()]
        else:
            span[1] = last.offset()
        start = end
    return spans


class ProducerRunner(Runner):
    @classmethod
    def lag_source(cls, deployed: DeployedComponent) -> LagSource:
        # A private (kafka) event exists only for this pipeline: read it from its start. A
        # shared topic may hold a week of history: start a new group at its end instead.
        private = all(t.kind == "kafka" for t in deployed.inputs)
        return LagSource(
            servers=kafka.bootstrap(),
            group=f"flowcast.wsp.{deployed.guid}",
            topic=deployed.inputs[0].name,
            offset_reset="earliest" if private else "latest",
        )

    def __init__(self, deployed: DeployedComponent):
        super().__init__(deployed)
        self.batch_size = int(deployed.setting("basic", "batch_size", 500))
        self.frame_format = deployed.setting("meta", "frame_format", "envelope")
        self.group = stream_group(deployed.ingestion_id)
        self.position: dict[int, int] = {}  # next offset per partition after what was published
        self.seq = 0
        self._last_tick = 0.0
        self.fill_wait = FILL_WAIT  # least gap between batches, until the first count of clients
        self._cut_at = 0.0  # when the last batch was cut
        self.consumer: Consumer | None = None
        self.failover: Producer | None = None

    def open(self) -> None:
        client = redis_keys.client()
        if client is None:
            raise ImproperlyConfigured("A WebSocket Producer worker needs REDIS_URL")
        self.gate = CreditGate(client, self.deployed.ingestion_id, self.instance_id)
        self.publisher = StreamPublisher(client, get_channel_layer(), self.group, self.gate)
        source = self.lag_source(self.deployed)
        self.consumer = Consumer(
            kafka.consumer_config(
                source.group, offset_reset=source.offset_reset, error_cb=self._on_kafka_error
            )
        )
        self.consumer.subscribe(
            [t.name for t in self.deployed.inputs],
            on_assign=self._on_assign,
            on_revoke=self._on_revoke,
            on_lost=self._on_lost,
        )
        if self.deployed.failover:
            self.failover = Producer(kafka.producer_config())

    def step(self) -> None:
        records = self.poll_batch()
        self.every_second()
        if not records:
            return
        batch = encode_batch(records, self.frame_format, self.deployed.source_format)
        self.stats["records_in"] += len(records)
        self.divert(batch)
        spans = offset_spans(records, batch.runs)
        if self.publish(batch, spans):
            self.store_offsets(spans)

    def poll_batch(self) -> list[Record]:
        records = self.poll_messages(self.consumer, self.batch_size, self.fill_wait, self._cut_at)
        if records:
            self._cut_at = time.monotonic()
        return records

    def divert(self, batch: EncodedBatch) -> None:
        """Poison records go to the failover topic (or are logged and counted)."""
        for record, reason in batch.poison:
            self.stats["failed"] += 1
            log.warning(
                "%s: record %s of %s cannot be sent (%s)%s",
                self.deployed.name,
                record_id(record),
                record.topic(),
                reason,
                "; sent to failover" if self.failover else "",
            )
            if self.failover is not None:
                self.failover.produce(
                    self.deployed.failover.name,
                    value=record.value(),
                    key=record.key(),
                    headers=self._failover_headers(record, reason),
                )
        if batch.poison and self.failover is not None:
            self._flush_failover()

    def _failover_headers(self, record: Record, reason: str) -> list[tuple[str, bytes]]:
        return [
            ("flowcast-error", reason.encode()),
            ("flowcast-component", self.deployed.guid.encode()),
            ("flowcast-topic", record.topic().encode()),
            ("flowcast-partition", str(record.partition()).encode()),
            ("flowcast-offset", str(record.offset()).encode()),
        ]

    def _flush_failover(self) -> None:
        backoff = 0.2
        while self.failover.flush(5.0) > 0:
            log.warning("Failover topic not reachable; retrying in %.1f s", backoff)
            self.wait(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)

    def publish(self, batch: EncodedBatch, spans: Spans) -> bool:
        """One group message per batch, retried until Redis takes it; False if stopped first.

        A batch that was never published is never committed: the next instance re-reads it.
        """
        if not batch.frames:
            return True
        covers = self.covers(spans)
        self.seq += 1
        size = sum(map(len, batch.frames))
        self._wait_for_credit(size)
        message = {
            "type": "stream.batch",
            "w": self.instance_id,
            "seq": self.seq,
            "covers": covers,
            "frames": batch.frames,
            "ids": batch.ids,
            "sent_at": time.time(),
        }
        backoff = 0.1
        while True:
            try:
                self.publisher.batch(message, size)
                break
            except Exception as exc:  # Redis down or restarting: wait, keep the batch
                self.stats["last_error"] = f"channel layer: {exc}"
                log.warning("Channel layer unavailable (%s); retrying in %.1f s", exc, backoff)
                if self.stopping:
                    return False
                self.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
        for partition, _start, end in covers:
            self.position[partition] = end + 1
        self.stats["records_out"] += len(batch.records)
        self.stats["batches"] += 1
        return True

    def _wait_for_credit(self, size: int) -> None:
        """Pace the stream to the slowest live daphne process (producer.credit_gate)."""
        try:
            self.gate.wait_for(self.seq, lambda: self.stopping, size)
        except Exception as exc:  # Redis down: publish will wait for it anyway
            log.info("Credit check skipped: %s", exc)
        self.stats["credit_waits"] = self.gate.waits
        self.stats["credit_timeouts"] = self.gate.timeouts

    def covers(self, spans: Spans) -> list[list[int]]:
        """[partition, first, last] offsets a batch accounts for, poison records included.

        `first` continues from the previous batch, so a client that got every batch has
        no hole, and one that missed a batch sees exactly which offsets to repair.
        """
        position = self.position
        return [[p, min(position.get(p, lo), lo), hi] for (_, p), (lo, hi) in sorted(spans.items())]

    def every_second(self) -> None:
        now = time.monotonic()
        if now - self._last_tick < TICK_SECONDS:
            return
        self._last_tick = now
        self.publish_progress()
        try:
            self.fill_wait = fill_wait(clients.connected_clients(self.deployed.ingestion_id))
        except Exception as exc:  # Redis away: keep the last size; publish waits for it
            log.info("Clients not counted: %s", exc)

    def publish_progress(self) -> None:
        """Tell clients the last published offsets, so a hole at the tail gets noticed."""
        if not self.position:
            return
        last = [[p, o - 1] for p, o in sorted(self.position.items())]
        message = {"type": "stream.progress", "w": self.instance_id, "last": last}
        try:
            self.publisher.notice(message)
        except Exception as exc:  # best effort: the next batch or progress carries it too
            log.info("Progress not published: %s", exc)

    def store_offsets(self, spans: Spans) -> None:
        self.store([TopicPartition(t, p, last + 1) for (t, p), (_first, last) in spans.items()])

    def status(self) -> dict:
        return {**super().status(), "format": self.frame_format}

    def close(self) -> None:
        if self.consumer is not None:
            try:
                self.consumer.commit(asynchronous=False)
            except Exception as exc:  # nothing stored since the last commit is fine
                log.info("Final commit: %s", exc)
            self.consumer.close()
        if self.failover is not None:
            self.failover.flush(10)

    def _on_revoke(self, consumer, partitions) -> None:
        for p in partitions:
            self.position.pop(p.partition, None)
        # Commit what was delivered before another member takes these partitions; on stop,
        # close() has just committed, and a second synchronous commit with the broker gone
        # blocked the stopping worker for good (an orphan of a killed supervisor lived on).
        if not self.stopping:
            try:
                consumer.commit(asynchronous=False)
            except Exception as exc:
                log.info("Commit on revoke: %s", exc)
        self.assigned = []

    def _on_lost(self, consumer, partitions) -> None:
        for p in partitions:
            self.position.pop(p.partition, None)
        super()._on_lost(consumer, partitions)
