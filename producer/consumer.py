"""The WebSocket endpoint of a producer: authenticate, join the stream, forward frames.

Frames arrive pre-encoded from the worker, one channel-layer message per batch. The
channel layer may drop messages, so each connection keeps a cursor per partition: a batch
that skips offsets is preceded by those offsets read back from Kafka (repair), a resume
(`?since=`) is the same repair from the client's last ids, and only what Kafka no longer
has becomes a `gap` notice. A client that stops reading is skipped (then told with a gap
notice) or closed with 1013, so its socket never holds more than a bounded buffer.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs

import orjson
from autobahn.exception import Disconnected
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer

from producer import credits, metrics
from producer.auth import Grant, authorize
from producer.cursor import BadSince, Cursor, Hole, parse_since
from producer.groups import stream_group
from producer.repair import reader_for
from producer.web import PENDING_BYTES

CLOSE_BYTES = 8 * 1024 * 1024  # a slow client's socket holding more than this is closed
SLOW_SECONDS = 30.0
TOO_SLOW = 1013
BAD_REQUEST = 4400

_CLIENT_MESSAGE_REPLY = orjson.dumps(
    {"type": "error", "message": "This endpoint only streams; client messages are ignored."}
).decode()


class ProducerConsumer(AsyncWebsocketConsumer):
    grant: Grant | None = None

    async def dispatch(self, message: dict) -> None:
        # Stream handlers touch no database: skip Channels' per-message hop to a thread to
        # close old DB connections, which costs more than forwarding the batch itself.
        if not message["type"].startswith("stream."):
            await super().dispatch(message)
            return
        try:
            await getattr(self, message["type"].replace(".", "_"))(message)
        except Disconnected:
            # The client went away mid-batch: daphne's send raises instead of dropping the
            # frame, and disconnect() would never run. Leave the flow control and the group
            # now, or the worker keeps waiting for this connection's acknowledgement.
            await self.disconnect(1006)
            raise StopConsumer from None

    async def connect(self) -> None:
        ingestion_id = self.scope["url_route"]["kwargs"]["ingestion_id"]
        self.grant = await database_sync_to_async(authorize)(self.scope, ingestion_id)
        if self.grant is None:
            await self.close()  # before accept: daphne answers the handshake with 403
            return
        deployed = self.grant.deployed
        self.frame_format = deployed.setting("meta", "frame_format", "envelope")
        self.reader = reader_for(deployed.inputs[0].name, self.frame_format, deployed.source_format)
        self.missed: dict[int, list[int]] = {}  # partition → [first, last] skipped while slow
        self.group = stream_group(self.grant.ingestion_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        pending = self.scope.get(PENDING_BYTES, lambda: 0)
        self.flow = credits.reporter.join(self.grant.ingestion_id, self.channel_name, pending)
        await self.accept()
        await self._start_cursor()

    async def _start_cursor(self) -> None:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        try:
            since = parse_since((query.get("since") or [None])[0])
        except BadSince as exc:
            await self._control({"type": "error", "message": f"Bad since: {exc}"})
            await self.close(code=BAD_REQUEST)
            return
        partitions = self.grant.deployed.inputs[0].partitions
        unknown = sorted(p for p in since if p >= partitions)
        if unknown:
            await self._control(
                {"type": "error", "message": f"No partition {unknown} in the stream; ignored."}
            )
        self.cursor = Cursor.resuming({p: o for p, o in since.items() if p < partitions})

    async def disconnect(self, code: int) -> None:
        if self.grant is not None:
            credits.reporter.leave(self.channel_name)
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        await self.send(text_data=_CLIENT_MESSAGE_REPLY)

    async def stream_batch(self, event: dict) -> None:
        await self._forward(event)
        credits.reporter.note(self.channel_name, event["w"], event["seq"])

    async def _forward(self, event: dict) -> None:
        if await self._too_slow(event["covers"]):
            return
        for hole in self.cursor.holes(event["covers"]):
            await self._repair(hole)
        if self.cursor.overlaps(event["covers"]):
            for frame, ids in zip(event["frames"], event["ids"], strict=True):
                await self._send_fresh(frame, ids)
        else:  # the usual case: nothing to filter, no per-record work
            for frame in event["frames"]:
                await self.send(text_data=frame)
        self.cursor.advance_all(event["covers"])

    async def stream_progress(self, event: dict) -> None:
        if await self._too_slow([]):
            return
        for hole in self.cursor.tail_holes(event["last"]):
            await self._repair(hole)

    async def stream_close(self, event: dict) -> None:
        """Close the sessions that depended on what changed (DESIGN §6 close codes)."""
        kinds = event.get("auth_kinds")
        if kinds is None or self.grant.kind in kinds:
            await self.close(code=event["code"], reason=event.get("reason", ""))

    async def _send_fresh(self, frame: str, ids: list[int]) -> None:
        """Send a frame, minus any record the client already has (after a resume or repair)."""
        fresh = self.cursor.fresh(ids)
        if all(fresh):
            await self.send(text_data=frame)
        elif any(fresh):  # only a batch frame can be partly old
            items = [item for item, keep in zip(orjson.loads(frame), fresh, strict=True) if keep]
            await self.send(text_data=orjson.dumps(items).decode())
        else:
            metrics.count("duplicates_dropped")

    async def _repair(self, hole: Hole) -> None:
        repair = await self.reader.read(hole.partition, hole.start, hole.end)
        metrics.count("holes_repaired")
        if repair.lost_before is not None:
            await self._gap(
                "retention_or_limit", {hole.partition: [hole.start, repair.lost_before - 1]}
            )
        for frame, ids in zip(repair.batch.frames, repair.batch.ids, strict=True):
            await self._send_fresh(frame, ids)
        self.cursor.advance(hole.partition, hole.end)

    async def _too_slow(self, covers: list[list[int]]) -> bool:
        """While the client is marked slow, skip its batches; tell it what it missed once it
        has drained, or close it (1013) if it stays stuck or its socket holds too much."""
        if not self.flow.slow:
            return False
        pending = self.flow.pending()
        if pending < credits.slow_bytes() // 2:
            await self._gap("slow_client", self.missed)
            self.missed, self.flow.slow, self.flow.behind_since = {}, False, None
            return False
        for partition, start, end in covers:
            first = self.cursor.expected.get(partition, start)
            self.missed.setdefault(partition, [first, end])[1] = end
            self.cursor.advance(partition, end)
        metrics.count("batches_skipped_slow")
        stuck = time.monotonic() - (self.flow.behind_since or time.monotonic())
        if pending > CLOSE_BYTES or stuck > SLOW_SECONDS:
            metrics.count("slow_client_closes")
            await self.close(code=TOO_SLOW, reason="Client too slow; reconnect with since")
        return True

    async def _gap(self, reason: str, missed: dict[int, list[int]]) -> None:
        metrics.count("gaps_sent")
        ranges = [
            {"partition": p, "from": a, "to": b} for p, (a, b) in sorted(missed.items()) if b >= a
        ]
        if not ranges:
            return
        since = ",".join(f"{r['partition']}-{r['from'] - 1}" for r in ranges)
        await self._control({"type": "gap", "reason": reason, "missed": ranges, "since": since})

    async def _control(self, message: dict) -> None:
        await self.send(text_data=orjson.dumps(message).decode())
