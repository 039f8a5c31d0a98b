"""Reads exact offsets back from the input topic: repairs holes and serves resumes.

One reader per daphne process and deployed component, shared by all its connections; it
runs its blocking Kafka calls on one thread of its own, so reads are serialised and the
event loop never blocks.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from confluent_kafka import Consumer, TopicPartition

from pipelines import kafka
from producer.frames import EncodedBatch, Record, encode_batch

log = logging.getLogger(__name__)

MAX_REPAIR = int(os.environ.get("FLOWCAST_MAX_REPAIR", "100000"))  # records per hole
CHUNK = 2000  # offsets per read: a connection holds one chunk at a time, not a whole hole
READ_TIMEOUT = 10.0


@dataclass
class Repair:
    batch: EncodedBatch
    lost_before: int | None  # offsets below this are gone (retention or the bound)
    last: int  # the last offset this read accounts for; the hole goes on after it


class RepairReader:
    def __init__(self, topic: str, frame_format: str, source_format: str):
        self.topic = topic
        self.frame_format = frame_format
        self.source_format = source_format
        self.executor = ThreadPoolExecutor(1, thread_name_prefix=f"repair-{topic}")
        self._consumer: Consumer | None = None

    async def read(self, partition: int, start: int, end: int) -> Repair:
        """The first chunk of the hole [start, end]; call again from `last + 1` for more."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, self._read, partition, start, end)

    def _read(self, partition: int, start: int, end: int) -> Repair:
        consumer = self._client()
        low, _high = consumer.get_watermark_offsets(
            TopicPartition(self.topic, partition), timeout=READ_TIMEOUT
        )
        first = max(start, low, end - MAX_REPAIR + 1)
        last = min(end, first + CHUNK - 1)
        records: list[Record] = []
        if first <= last:
            consumer.assign([TopicPartition(self.topic, partition, first)])
            records = self._consume_until(consumer, last)
            consumer.unassign()
        batch = encode_batch(records, self.frame_format, self.source_format)
        return Repair(batch, first if first > start else None, last)

    def _consume_until(self, consumer: Consumer, end: int) -> list[Record]:
        """Records up to `end`; short polls, since consume() waits to fill its whole count."""
        records: list[Record] = []
        deadline = time.monotonic() + READ_TIMEOUT
        while time.monotonic() < deadline:
            for m in consumer.consume(500, timeout=0.05):
                if m.error() is None and m.offset() <= end:
                    records.append(Record.from_message(m))
                if m.error() is None and m.offset() >= end:
                    return records
        log.warning("Repair of %s stopped short of offset %d", self.topic, end)
        return records

    def _client(self) -> Consumer:
        if self._consumer is None:
            config = kafka.consumer_config(
                f"flowcast.repair.{os.getpid()}", offset_reset="earliest"
            )
            config.update({"enable.auto.commit": False, "enable.partition.eof": False})
            self._consumer = Consumer(config)
        return self._consumer


@functools.cache
def reader_for(topic: str, frame_format: str, source_format: str) -> RepairReader:
    """The process-wide reader of one input topic in one encoding."""
    return RepairReader(topic, frame_format, source_format)
