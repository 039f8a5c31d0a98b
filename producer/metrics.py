"""Counters of the stream's repair work and handshakes in this process (on /metrics)."""

from __future__ import annotations

from prometheus_client import Counter

_EVENTS = Counter(
    "flowcast_stream_events_total",
    "Stream repair and flow-control events in the WebSocket processes.",
    ["event"],
)
KNOWN = (
    "holes_repaired",
    "batches_dropped",  # a full inbox dropped its oldest batch (a hole, repaired later)
    "pace_released",  # a stuck client the stream stopped waiting for (producer.slow_clients)
    "gaps_sent",
    "duplicates_dropped",
    "clients_marked_slow",
    "batches_skipped_slow",
    "slow_client_closes",
    "handshakes_accepted",
    "credential_lookups",  # database reads of a producer's credentials (credential_cache)
)


def count(event: str, amount: int = 1) -> None:
    _EVENTS.labels(event=event).inc(amount)


def snapshot() -> dict[str, float]:
    return {event: _EVENTS.labels(event=event)._value.get() for event in KNOWN}
