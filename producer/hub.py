"""One channel-layer subscription per daphne process and stream, fanned out in memory.

Left to Channels, every WebSocket connection has its own channel: each batch would be
unpacked, queued, dispatched and framed once per client, which cost far more than the
bytes on the wire. The hub receives a producer's group messages once per process, frames
a batch once (`wire`), and hands the message to each session, which usually writes those
same bytes to its socket on the spot (producer.consumer).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from channels.layers import get_channel_layer

from producer.frames import framed
from producer.per_loop import per_loop

log = logging.getLogger(__name__)


class Session(Protocol):
    def deliver(self, message: dict) -> None:
        """Take one group message, in order; must not block or raise."""


class _Stream:
    """One producer's group, subscribed once for all the sessions of this process."""

    def __init__(self, group: str):
        self.group = group
        self.sessions: set[Session] = set()
        self.edge: dict[int, int] = {}  # partition → last offset the worker published
        self.layer = get_channel_layer()
        self.channel = ""
        self.task: asyncio.Task | None = None

    async def open(self) -> None:
        self.channel = await self.layer.new_channel("hub.")
        await self.layer.group_add(self.group, self.channel)
        self.task = asyncio.get_running_loop().create_task(self._pump())

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
        await self.layer.group_discard(self.group, self.channel)

    async def _pump(self) -> None:
        while True:
            message = await self.layer.receive(self.channel)
            try:
                self._take(message)
            except Exception:  # a malformed message must not end the stream of this process
                log.exception("Dropped a malformed %s message", message.get("type"))
                continue
            for session in list(self.sessions):
                try:
                    session.deliver(message)
                except Exception:  # one broken session must not starve the others
                    log.exception("Delivering %s to a session failed", message.get("type"))

    def _take(self, message: dict) -> None:
        """Frame a batch once for every socket; remember how far the stream got; note the
        first offset it makes due in each partition (Cursor.place), once for all."""
        if message["type"] == "stream.batch":
            message["wire"], message["frames"] = framed(message["frames"])
            message["due"] = [(p, start) for p, start, _end in message["covers"]]
            self.edge.update((p, end) for p, _start, end in message["covers"])
        elif message["type"] == "stream.progress":
            message["due"] = [(p, last + 1) for p, last in message["last"]]
            self.edge.update((p, last) for p, last in message["last"])


class StreamHub:
    def __init__(self) -> None:
        self.streams: dict[str, _Stream] = {}
        self.lock = asyncio.Lock()  # joins and leaves of one group must not interleave

    async def join(self, group: str, session: Session) -> dict[int, int]:
        """Add a session; returns the stream's edge (last offset published per partition, as
        far as this process has seen), from which its next message follows with no hole."""
        async with self.lock:
            stream = self.streams.get(group)
            if stream is None:
                stream = _Stream(group)
                await stream.open()
                self.streams[group] = stream
            stream.sessions.add(session)
            return dict(stream.edge)

    async def leave(self, group: str, session: Session) -> None:
        async with self.lock:
            stream = self.streams.get(group)
            if stream is None or session not in stream.sessions:
                return
            stream.sessions.discard(session)
            if not stream.sessions:
                del self.streams[group]
                await stream.close()


hub = per_loop(StreamHub)  # the running event loop's hub
