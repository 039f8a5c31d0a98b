"""Reads exact offsets back from the input topic: repairs holes and serves resumes.

One reader per daphne process and deployed component, shared by all its connections; it
runs its blocking Kafka calls on one thread of its own, so reads are serialised and the
event loop never blocks. Reads are whole aligned chunks, and complete chunks stay cached
for a while: when a web process restarts, its clients all resume from about the same
offsets, and each chunk is then read and encoded once, not once per client.
"""

from __future__ import annotations

import asyncio
import functools
import os
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from confluent_kafka import Consumer, TopicPartition
from django.conf import settings

from pipelines.runtime import kafka
from producer.frames import EncodedBatch, Record, encode_batch

CHUNK = 500  # offsets per read and write: a connection holds one chunk at a time, not a hole
CACHED_CHUNKS = 16  # ~8k records of encoded frames per process and reader (~3 MB)
READ_AHEAD = 8  # complete chunks of one hole read per trip to the broker
READ_TIMEOUT = 10.0


class RepairError(RuntimeError):
    """The hole could not be read back: the connection is closed (1011) and resumes."""


@dataclass
class Repair:
    batch: EncodedBatch
    lost_before: int | None  # offsets below this are gone (retention or the bound)
    last: int  # the last offset this read accounts for; the hole goes on after it
    # The batch may start before the hole (an aligned chunk): the cursor drops what the
    # client has. It never goes past `last`.


class RepairReader:
    def __init__(self, topic: str, frame_format: str, source_format: str):
        self.topic = topic
        self.frame_format = frame_format
        self.source_format = source_format
        self.executor = ThreadPoolExecutor(1, thread_name_prefix=f"repair-{topic}")
        self._consumer: Consumer | None = None
        self._chunks: OrderedDict[tuple[int, int], EncodedBatch] = OrderedDict()
        self.fetches = 0  # trips to the broker

    async def read(self, partition: int, start: int, end: int) -> Repair:
        """The first chunk of the hole [start, end]; call again from `last + 1` for more."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, self._read, partition, start, end)

    def _read(self, partition: int, start: int, end: int) -> Repair:
        consumer = self._client()
        low, high = consumer.get_watermark_offsets(
            TopicPartition(self.topic, partition), timeout=READ_TIMEOUT
        )
        first = max(start, low, end - settings.FLOWCAST["MAX_REPAIR"] + 1)
        lost_before = first if first > start else None
        if first > end:
            return Repair(self._encode([]), lost_before, end)
        chunk = first // CHUNK
        chunk_end = chunk * CHUNK + CHUNK - 1
        # A chunk is complete, and can be shared, when the hole reaches its end (a hole ends
        # before an offset the worker published: all below it are in Kafka) or the high
        # watermark is past it (the embedded broker's runs low, so it is only a bonus).
        # The tail chunk is read up to the hole's end only.
        if chunk_end > max(end, high - 1):
            records = self._fetch(partition, max(chunk * CHUNK, low), end)
            return Repair(self._encode(records), lost_before, end)
        batch = self._chunks.get((partition, chunk))
        if batch is None:
            batch = self._fetch_chunks(partition, chunk, low, end)
        else:
            self._chunks.move_to_end((partition, chunk))
        return Repair(batch, lost_before, chunk_end)

    def _fetch_chunks(self, partition: int, chunk: int, low: int, end: int) -> EncodedBatch:
        """Chunk `chunk`, and the complete ones after it up to `end` (READ_AHEAD in all at
        most), in one trip: each assign costs a fetch round trip, so a long hole read one
        chunk per trip spent most of its time waiting. Each chunk is cached on its own."""
        last_chunk = chunk
        while last_chunk - chunk + 1 < READ_AHEAD and (last_chunk + 2) * CHUNK - 1 <= end:
            last_chunk += 1
        records = self._fetch(partition, max(chunk * CHUNK, low), last_chunk * CHUNK + CHUNK - 1)
        groups: list[list[Record]] = [[] for _ in range(last_chunk - chunk + 1)]
        for record in records:
            groups[record.offset() // CHUNK - chunk].append(record)
        batches = [self._encode(group) for group in groups]
        for n, batch in enumerate(batches):
            self._remember((partition, chunk + n), batch)
        return batches[0]

    def _fetch(self, partition: int, first: int, last: int) -> list[Record]:
        """Records first..last, in one trip to the broker."""
        self.fetches += 1
        consumer = self._client()
        consumer.assign([TopicPartition(self.topic, partition, first)])
        records = self._consume_until(consumer, partition, first, last)
        consumer.unassign()
        return records

    def _encode(self, records: list[Record]) -> EncodedBatch:
        batch = encode_batch(records, self.frame_format, self.source_format)
        # Frames and ids are all a repair sends; the records (values again) stay out of the cache.
        return EncodedBatch(batch.frames, [], [], batch.ids)

    def _remember(self, key: tuple[int, int], batch: EncodedBatch) -> None:
        self._chunks[key] = batch
        while len(self._chunks) > CACHED_CHUNKS:
            self._chunks.popitem(last=False)

    def _consume_until(
        self, consumer: Consumer, partition: int, first: int, end: int
    ) -> list[Record]:
        """Records first..end. consume() waits until it has its whole count or times out,
        so it is asked for no more than are left: a 200-record tail asked for 500 took the
        full timeout (50 ms) every time, and one process's repairs queue behind each other.

        An offset that is no record (a transaction marker, a compacted key) never comes:
        the consumer's position passing `end` says the read is whole. Kafka not giving the
        offsets in time is an error, never a short batch: the hole would be marked repaired
        and its records lost without a word."""
        records: list[Record] = []
        next_offset = first
        deadline = time.monotonic() + READ_TIMEOUT
        while time.monotonic() < deadline:
            wanted = max(1, min(CHUNK, end - next_offset + 1))
            for m in consumer.consume(wanted, timeout=0.05):
                if m.error() is not None:
                    continue
                if m.offset() <= end:
                    records.append(m)
                if m.offset() >= end:
                    return records
                next_offset = m.offset() + 1
            [position] = consumer.position([TopicPartition(self.topic, partition)])
            if position.offset > end:
                return records
        raise RepairError(f"Kafka gave {self.topic}[{partition}] up to offset {end} too late")

    def _client(self) -> Consumer:
        if self._consumer is None:
            config = kafka.consumer_config(
                f"flowcast.repair.{os.getpid()}", offset_reset="earliest"
            )
            config.update({"enable.auto.commit": False, "enable.partition.eof": False})
            # A read wants one chunk (~125 KB), not the worker's 4 MB prefetch: every
            # assign would otherwise pull up to that much of the backlog into memory.
            config.update(
                {
                    "queued.max.messages.kbytes": 1024,
                    "max.partition.fetch.bytes": 256 * 1024,
                    "fetch.max.bytes": 1024 * 1024,  # librdkafka's floor (message.max.bytes)
                }
            )
            self._consumer = Consumer(config)
        return self._consumer


@functools.cache
def reader_for(topic: str, frame_format: str, source_format: str) -> RepairReader:
    """The process-wide reader of one input topic in one encoding."""
    return RepairReader(topic, frame_format, source_format)
