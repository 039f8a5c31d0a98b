"""Realistic card transactions for the demo pipeline's source topic."""

from __future__ import annotations

import random
import threading
import time
import uuid
from datetime import UTC, datetime

import orjson
from confluent_kafka import Producer

from pipelines.runtime import kafka
from pipelines.runtime.deployed_versions import Topic

CURRENCIES = ["EUR", "USD", "GBP", "CHF", "SEK"]
STATUSES = ["approved"] * 8 + ["declined", "pending"]
MERCHANTS = [
    "Coffee Corner",
    "City Grocers",
    "Rail Tickets",
    "BookNook",
    "Pharmacy 24",
    "Fuel Stop",
    "Cinema One",
]


def transaction(rng: random.Random) -> dict:
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128))),
        "account": f"ACC-{rng.randint(1000, 9999)}",
        "amount": round(rng.lognormvariate(3.2, 1.0), 2),
        "currency": rng.choice(CURRENCIES),
        "status": rng.choice(STATUSES),
        "merchant": rng.choice(MERCHANTS),
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
    }


def run(topic: str, rate: float, stop: threading.Event, *, seed: int | None = None) -> int:
    """Produce `rate` transactions per second until `stop` is set; returns how many."""
    kafka.ensure_topics([Topic(topic, 3, 24, "shared")])
    producer = Producer(kafka.producer_config())
    rng = random.Random(seed)
    sent = 0
    interval = 1.0 / rate
    next_at = time.monotonic()
    while not stop.is_set():
        record = transaction(rng)
        producer.produce(topic, key=record["account"].encode(), value=orjson.dumps(record))
        producer.poll(0)
        sent += 1
        next_at += interval
        stop.wait(max(0.0, next_at - time.monotonic()))
    producer.flush(10)
    return sent
