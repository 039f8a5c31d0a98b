"""The reference bridge: the least code that streams a topic to WebSocket clients.

One process: confluent-kafka `consume(500, timeout=0.005)` → one JSON array of envelopes
per batch (Flowcast's `batch` frame, same fields) → `websockets.broadcast` to every open
connection. No auth, no flow control, no repair: the yardstick of DESIGN §11, run on the
same box and load as Flowcast so that the ratios compare designs, not machines.

With `--values` it is the **values bridge** of the second lap: the records' values only,
`b"[" + b",".join(values) + b"]"` per batch, no envelope (no ids: its clients cannot
resume, and the benchmark counts its records by the `seq` in each value).

Split in two, it is the values bridge **through Redis**: the DESIGN's path (a worker
process reads Kafka and publishes each batch to Redis; a web process subscribes and writes
to the sockets) with stock clients and no product code on it: no channel layer, no credit,
no ids. Beside the values bridge it shows what the split itself costs on the same box:

    --publish REDIS_URL   read Kafka, PUBLISH each batch's frame (no WebSocket server)
    --subscribe REDIS_URL serve WebSockets, broadcast what the channel brings (no Kafka)

With `--forward-to T2` it is no bridge but a bare **forwarder**, the yardstick of the
two-hop case: it reads --topic and produces each batch to T2 (same partition, Flowcast's
producer settings, flushed before the next), as the seed's Kafka Consumer does with no
product code; a values bridge reading T2 is then two hops from the load.

    python -m benchmarks.bridge --bootstrap HOST:PORT --topic T --port P [--values]
        [--start-after K] [--publish URL | --subscribe URL | --forward-to T2]

Prints `listening`, then `assigned` once Kafka gave it its partitions.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Callable

import orjson
import redis
import redis.asyncio
from confluent_kafka import Consumer, Producer
from websockets.asyncio.server import ServerConnection, broadcast, serve

BATCH = 500
POLL_TIMEOUT = 0.005
CHANNEL = "bench-bridge"  # the split bridge's Redis channel


def envelope(msg) -> dict:
    ts_type, ts = msg.timestamp()
    key = msg.key()
    return {
        "id": f"{msg.partition()}-{msg.offset()}",
        "topic": msg.topic(),
        "partition": msg.partition(),
        "offset": msg.offset(),
        "timestamp": ts if ts_type else None,
        "key": key.decode() if key is not None else None,
        "value": orjson.Fragment(msg.value()),  # JSON already: embed, don't re-serialise
    }


class Bridge:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.clients: set[ServerConnection] = set()
        self.enough_clients = asyncio.Event()
        self.stop = asyncio.Event()

    async def handler(self, ws: ServerConnection) -> None:
        self.clients.add(ws)
        if len(self.clients) >= self.args.start_after:
            self.enough_clients.set()
        try:
            await ws.wait_closed()
        finally:
            self.clients.discard(ws)

    def consumer(self) -> Consumer:
        consumer = Consumer(
            {
                "bootstrap.servers": self.args.bootstrap,
                "group.id": self.args.group,
                "auto.offset.reset": self.args.reset,
                "enable.auto.commit": True,
                # The embedded broker holds a fetch for the whole wait: Flowcast's own
                # setting, passed by the orchestrator, so the broker favours neither.
                "fetch.wait.max.ms": self.args.fetch_wait_ms,
                "session.timeout.ms": 6000,
                "heartbeat.interval.ms": 1000,
                # As Flowcast's: librdkafka's default pauses fetching for 1 s once its queue
                # is full (64 MB), which a 200k backlog of envelopes reached in about half
                # the runs: the bridge drained it at ~165k rec/s instead of ~580k.
                "fetch.queue.backoff.ms": 5,
            }
        )
        consumer.subscribe([self.args.topic], on_assign=lambda *_: say("assigned"))
        return consumer

    async def pump(self) -> None:
        if self.args.subscribe:
            return await self.relay_from_redis()
        if self.args.start_after:
            await self.enough_clients.wait()
        consumer = self.consumer()
        try:
            while not self.stop.is_set():
                messages = consumer.consume(BATCH, timeout=POLL_TIMEOUT)
                frame = self.frame([m for m in messages if m.error() is None])
                if frame is not None:
                    broadcast(self.clients, frame, text=True)
                await asyncio.sleep(0)  # let the loop write and accept
        finally:
            consumer.close()

    async def relay_from_redis(self) -> None:
        relay = asyncio.create_task(self._broadcast_channel())
        await self.stop.wait()
        relay.cancel()

    async def _broadcast_channel(self) -> None:
        client = redis.asyncio.Redis.from_url(self.args.subscribe)
        async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
            await pubsub.subscribe(CHANNEL)
            async for message in pubsub.listen():
                broadcast(self.clients, message["data"], text=True)

    def publish_forever(self) -> None:
        """The split bridge's reading half: one PUBLISH per batch."""
        client = redis.Redis.from_url(self.args.publish)

        def publish(messages: list) -> None:
            frame = self.frame(messages)
            if frame is not None:
                client.publish(CHANNEL, frame)

        self._read_forever(publish)

    def forward_forever(self) -> None:
        """The bare forwarder: one flushed produce per batch, nothing else."""
        # Flowcast's producer settings (pipelines.runtime.kafka.producer_config).
        out = Producer({"bootstrap.servers": self.args.bootstrap, "linger.ms": 2, "acks": "all"})

        def forward(messages: list) -> None:
            for m in messages:
                out.produce(self.args.forward_to, m.value(), partition=m.partition())
            out.flush()

        self._read_forever(forward)

    def _read_forever(self, handle: Callable[[list], None]) -> None:
        """A half that reads Kafka with no event loop: each batch to `handle`, until SIGTERM."""
        stop = []
        signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
        consumer = self.consumer()
        try:
            while not stop:
                messages = consumer.consume(BATCH, timeout=POLL_TIMEOUT)
                handle([m for m in messages if m.error() is None])
        finally:
            consumer.close()

    def frame(self, messages: list) -> bytes | None:
        if not messages:
            return None
        if self.args.values:
            return b"[" + b",".join([m.value() for m in messages]) + b"]"
        return orjson.dumps([envelope(m) for m in messages])

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop.set)
        async with serve(
            self.handler,
            "127.0.0.1",
            self.args.port,
            compression=None,
            max_size=2**20,
            ping_interval=None,
        ):
            say("listening")
            await self.pump()


def say(line: str) -> None:
    print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--group", default="flowcast-bench-bridge")
    parser.add_argument("--reset", choices=("earliest", "latest"), default="earliest")
    parser.add_argument("--fetch-wait-ms", type=int, default=5, help="fetch.wait.max.ms")
    parser.add_argument(
        "--values", action="store_true", help="Forward the values only (the values bridge)."
    )
    parser.add_argument(
        "--start-after", type=int, default=0, help="Read Kafka only once this many clients are in."
    )
    parser.add_argument("--publish", metavar="REDIS_URL", help="Read Kafka, publish to Redis.")
    parser.add_argument("--subscribe", metavar="REDIS_URL", help="Serve what Redis brings.")
    parser.add_argument("--forward-to", metavar="TOPIC", help="Forward to this topic instead.")
    bridge = Bridge(parser.parse_args(argv))
    if bridge.args.forward_to:
        bridge.forward_forever()
    elif bridge.args.publish:
        bridge.publish_forever()
    else:
        asyncio.run(bridge.run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
