"""Load generator: fill a topic as fast as possible, or produce at a fixed rate.

Every value is a JSON object of `size` bytes carrying its sequence number and `sent`, the
wall-clock time in ms (float) when it was handed to the Kafka client, so a client on the
same box can compute end-to-end latency from the record alone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import orjson
from confluent_kafka import KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic

PARTITIONS = 3  # Flowcast's default event partitions; the bridge reads the same layout
VALUE_BYTES = 250
KEYS = [str(i).encode() for i in range(7)]
# librdkafka's default linger, and part of every latency measured: a record waits up to
# this long in the client before it is sent (at 200 records/s the values bridge's p50 was
# 12.4 ms at 5 ms, 8.2 at 1 and 7.0 at 0). At 1 ms and 2k records/s the embedded broker
# spent a whole core on tiny produce requests (and the fetches each one wakes) and became
# the bottleneck: p50 25-150 ms for a bare consumer, against 12 ms at 5 ms.
LINGER_MS = 5


@dataclass(frozen=True)
class Produced:
    records: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0


def value(seq: int, sent_ms: float, size: int = VALUE_BYTES) -> bytes:
    """A JSON value padded to `size` bytes (never shorter than its fields need)."""
    head = orjson.dumps({"seq": seq, "sent": sent_ms, "pad": ""})
    pad = max(0, size - len(head))
    return head[:-2] + b"x" * pad + b'"}'


def create_topic(bootstrap: str, topic: str, partitions: int = PARTITIONS) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    futures = admin.create_topics([NewTopic(topic, num_partitions=partitions)])
    for future in futures.values():
        try:
            future.result(15)
        except KafkaException as exc:
            if exc.args[0].name() != "TOPIC_ALREADY_EXISTS":
                raise


def _producer(bootstrap: str, linger_ms: int) -> Producer:
    return Producer(
        {
            "bootstrap.servers": bootstrap,
            "linger.ms": linger_ms,
            "queue.buffering.max.messages": 1_000_000,
            "batch.num.messages": 10_000,
            "enable.idempotence": False,
            "log_level": 4,  # not the info line about purging its queue on close
        }
    )


def _produce(producer: Producer, topic: str, seq: int, raw: bytes) -> None:
    while True:
        try:
            # Round robin, so every partition has records (7 keys can hash to 2 of 3).
            producer.produce(
                topic, value=raw, key=KEYS[seq % len(KEYS)], partition=seq % PARTITIONS
            )
            return
        except BufferError:  # the local queue is full: let librdkafka drain it
            producer.poll(0.05)


def fill(bootstrap: str, topic: str, count: int, size: int = VALUE_BYTES) -> Produced:
    """The backlog shape: `count` records at the client's top speed, flushed."""
    producer = _producer(bootstrap, linger_ms=5)
    start = time.monotonic()
    for seq in range(count):
        _produce(producer, topic, seq, value(seq, time.time() * 1000, size))
        if seq % 10_000 == 0:
            producer.poll(0)
    if producer.flush(60) != 0:
        raise RuntimeError(f"{topic}: records still unsent after 60 s")
    return Produced(count, time.monotonic() - start)


def paced(
    bootstrap: str,
    topic: str,
    rate: float,
    count: int,
    size: int = VALUE_BYTES,
    linger_ms: int = LINGER_MS,
) -> Produced:
    """The latency shape: `count` records at `rate`/s on an absolute schedule (no drift)."""
    producer = _producer(bootstrap, linger_ms=linger_ms)
    start = time.monotonic()
    for seq in range(count):
        ahead = start + seq / rate - time.monotonic()
        if ahead > 0.001:
            time.sleep(ahead)
        _produce(producer, topic, seq, value(seq, time.time() * 1000, size))
        producer.poll(0)
    if producer.flush(30) != 0:
        raise RuntimeError(f"{topic}: records still unsent after 30 s")
    return Produced(count, time.monotonic() - start)
