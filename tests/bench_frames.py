"""Frames as Flowcast and the bridges write them, for the benchmark's client tests."""

from __future__ import annotations

from collections.abc import Callable

import orjson


def batch_frame(records: list[tuple[int, int]], value_of: Callable[[int, int], object]) -> bytes:
    """A `batch` frame of (partition, offset) pairs; value_of(partition, offset) per record."""
    return orjson.dumps(
        [
            {
                "id": f"{p}-{o}",
                "topic": "bench",
                "partition": p,
                "offset": o,
                "timestamp": 1700000000000,
                "key": "k",
                "value": value_of(p, o),
            }
            for p, o in records
        ]
    )
