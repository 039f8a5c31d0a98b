"""Channel-layer group names shared by the worker and the WebSocket consumers."""

from __future__ import annotations


def stream_group(ingestion_id: str) -> str:
    """Where the worker publishes a producer's batches and control notices."""
    return f"wsp.{ingestion_id}"
