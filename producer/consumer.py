"""The WebSocket endpoint of a producer: authenticate, join the stream, forward frames.

Frames arrive pre-encoded from the worker, one channel-layer message per batch, received
once per process by the hub (producer.hub). The usual batch is written to the socket on
the spot, as bytes framed once for every client. The channel layer may drop messages, so
each connection keeps a cursor per partition: a batch that skips offsets is preceded by
those offsets read back from Kafka (repair), a resume (`?since=`) is the same repair from
the client's last ids, and only what Kafka no longer has becomes a `gap` notice. Repairs
run in the connection's own task with a bounded inbox, so they never hold up the others.
A client that stops reading is skipped (then told with a gap notice) or closed with 1013,
so its socket never holds more than a bounded buffer.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import parse_qs

import orjson
from autobahn.exception import Disconnected
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from pipelines.abuse_limits import Refusal
from producer import credits, metrics
from producer.admission import admit, refuse
from producer.auth import Grant
from producer.cursor import BadSince, Cursor, Hole, parse_since
from producer.frames import EncodedBatch, text_frames
from producer.groups import stream_group
from producer.hub import hub
from producer.inbox import Inbox
from producer.repair import reader_for
from producer.web import SLOW_SECONDS, WRITER, SocketWriter

log = logging.getLogger(__name__)

INBOX = 48  # messages held while a repair runs; older batches are dropped (repaired later)
INBOX_BYTES = 4 * 1024 * 1024  # and their frames' bytes: a stalled client's fixed cost
TOO_SLOW = 1013
INTERNAL_ERROR = 1011
BAD_REQUEST = 4400

SLOW_MARK = {"type": "stream.slow"}  # queued once while batches are skipped for a slow client
_CLIENT_MESSAGE_REPLY = orjson.dumps(
    {"type": "error", "message": "This endpoint only streams; client messages are ignored."}
).decode()


class ProducerConsumer(AsyncWebsocketConsumer):
    # No channel of its own: the hub receives the stream once per process. A channel per
    # connection cost a Redis subscription, a queue and a waiting task each, unused.
    channel_layer_alias = None
    grant: Grant | None = None
    told_messages_ignored = False

    async def connect(self) -> None:
        ingestion_id = self.scope["url_route"]["kwargs"]["ingestion_id"]
        admission = await database_sync_to_async(admit)(self.scope, ingestion_id)
        if isinstance(admission, Refusal):
            if not await refuse(self.scope, self.base_send, admission):
                await self.close()
            return
        self.grant = admission
        if self.grant is None:
            await self.close()  # before accept: daphne answers the handshake with 403
            return
        deployed = self.grant.deployed
        self.frame_format = deployed.setting("meta", "frame_format", "envelope")
        self.reader = reader_for(deployed.inputs[0].name, self.frame_format, deployed.source_format)
        self.missed: dict[int, list[int]] = {}  # partition → [first, last] skipped while slow
        self.group = stream_group(self.grant.ingestion_id)
        self.writer: SocketWriter | None = self.scope.get(WRITER)  # None: plain ASGI sends
        self.inbox = Inbox(INBOX, INBOX_BYTES)
        self.draining = False
        self.announced = 0  # partitions in the last position notice
        self.flow = credits.reporter.join(
            self.grant.ingestion_id, self._stuck_since, lambda: self.draining
        )
        since, problems = self._read_since()
        self.cursor = Cursor.resuming(since)
        # Subscribed (and placed at the edge) before the handshake ends: whatever the
        # worker publishes once the client sees it connected reaches this session. Held
        # in the inbox until the socket is open.
        self.draining = True
        self.cursor.place(
            [(p, last + 1) for p, last in (await hub().join(self.group, self)).items()]
        )
        await self.accept()
        for problem in problems:
            await self._control({"type": "error", "message": problem})
        if problems and problems[0].startswith("Bad since"):
            await self.close(code=BAD_REQUEST)
            return
        self._announce()
        self.draining = False
        if self.inbox:
            self.draining = True
            asyncio.get_running_loop().create_task(self._drain())

    def _blocked(self) -> bool:
        return self.writer is not None and self.writer.paused

    def _stuck_since(self) -> float | None:
        return None if self.writer is None else self.writer.stuck_since

    def _read_since(self) -> tuple[dict[int, int], list[str]]:
        """The client's `since` within the stream's partitions, and what to tell it."""
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        try:
            since = parse_since((query.get("since") or [None])[0])
        except BadSince as exc:
            return {}, [f"Bad since: {exc}"]
        partitions = self.grant.deployed.inputs[0].partitions
        unknown = sorted(p for p in since if p >= partitions)
        problems = [f"No partition {unknown} in the stream; ignored."] if unknown else []
        return {p: o for p, o in since.items() if p < partitions}, problems

    def _announce(self) -> None:
        """Tell the client where it stands whenever it gains a partition it has no id for:
        reconnecting with that `since` then misses nothing, even in a partition it never got
        a record of (a quiet one). Raw frames carry no ids: raw clients cannot resume."""
        if self.writer is None or self.frame_format == "raw":
            return
        if len(self.cursor.expected) == self.announced:
            return
        self.announced = len(self.cursor.expected)
        since = ",".join(f"{p}-{o - 1}" for p, o in sorted(self.cursor.expected.items()))
        self.writer.write(text_frames([orjson.dumps({"type": "position", "since": since})]))

    async def disconnect(self, code: int) -> None:
        if self.grant is not None:
            credits.reporter.leave(self.flow)
            await hub().leave(self.group, self)
            self.inbox.clear()

    async def receive(self, text_data=None, bytes_data=None) -> None:
        # Answered once, then dropped: a reply per message would let a client that sends
        # without reading make the server queue replies for it without bound.
        if not self.told_messages_ignored:
            self.told_messages_ignored = True
            await self.send(text_data=_CLIENT_MESSAGE_REPLY)

    def deliver(self, message: dict) -> None:
        """The hub's entry point: the usual batch is written here and now, the rest queued."""
        if not self.draining and self._in_step(message):
            self._announce()
            return
        self.cursor.place(message.get("due", ()))  # on arrival: see Cursor.place
        kind = message["type"]
        if kind == "stream.close":
            self.inbox.clear()  # nothing else matters to a session being closed
        elif kind == "stream.batch":
            self.flow.note(message["w"], message["seq"])
            if self.flow.slow and self._blocked():
                self._skip_queued()
                self._skip(message["covers"])
                message = SLOW_MARK  # the drain sends the gap notice once the socket has room
                if SLOW_MARK in self.inbox:
                    return
        self.inbox.push(message)
        if not self.draining:
            self.draining = True
            asyncio.get_running_loop().create_task(self._drain())

    def _in_step(self, message: dict) -> bool:
        """Handle a message inline when the client is in step: reading, no hole, no overlap."""
        if self.writer is None or self.writer.paused or self.flow.slow:
            return False
        if message["type"] == "stream.progress":
            if self.cursor.tail_holes(message["last"]):
                return False
            self.cursor.place(message["due"])
            return True
        if message["type"] != "stream.batch" or not self.cursor.extend(message["covers"]):
            return False
        self.writer.write(message["wire"])  # False once closing: disconnect() follows
        self.flow.note(message["w"], message["seq"])
        return True

    async def _drain(self) -> None:
        try:
            while self.inbox:
                if self._blocked() and self.inbox.first()["type"] != "stream.close":
                    await self._writable()
                    continue  # what was queued may have been skipped meanwhile
                message = self.inbox.popleft()
                await getattr(self, message["type"].replace(".", "_"))(message)
                self._announce()
        except Disconnected:  # gone or closed: disconnect() cleans up
            self.inbox.clear()
        except Exception:
            log.exception("Stream to a client of %s failed", self.grant.ingestion_id)
            self.inbox.clear()
            await self.close(code=INTERNAL_ERROR)
        finally:
            self.draining = False

    async def stream_batch(self, event: dict) -> None:
        """A queued batch (deliver() already noted it for flow control)."""
        if await self._too_slow(event["covers"]):
            return
        for hole in self.cursor.holes(event["covers"]):
            await self._repair(hole)
        if self.cursor.overlaps(event["covers"]):
            await self._send_frames(self._fresh(event["frames"], event["ids"]))
        elif self.writer is not None:
            await self._writable()
            self.writer.write(event["wire"])
        else:
            await self._send_frames(event["frames"])
        self.cursor.advance_all(event["covers"])

    async def stream_slow(self, event: dict) -> None:
        await self._too_slow([])

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

    async def _send_batch(self, batch: EncodedBatch) -> None:
        """A repair chunk: clients resuming from about the same place share its framing."""
        frames = self._fresh(batch.frames, batch.ids)
        if frames is batch.frames and frames and self.writer is not None:
            await self._writable()
            self.writer.write(batch.wire)
        else:
            await self._send_frames(frames)

    async def _send_frames(self, frames: list[bytes]) -> None:
        if not frames:
            return
        if self.writer is None:
            for frame in frames:
                await self.send(text_data=str(frame, "utf-8"))  # bytes or a view
            return
        await self._writable()
        self.writer.write(text_frames(frames))

    async def _writable(self) -> None:
        """Wait until the socket has room; a client that stays stuck is closed (1013)."""
        if not self.writer.paused:
            return
        try:
            await asyncio.wait_for(self.writer.resumed(), SLOW_SECONDS)
        except TimeoutError:
            metrics.count("slow_client_closes")
            self.writer.discard_queued()  # the close goes out next, not after them
            await self.close(code=TOO_SLOW, reason="Client too slow; reconnect with since")
            raise Disconnected("client too slow") from None

    def _fresh(self, frames: list[bytes], ids: list[list[int]]) -> list[bytes]:
        """The frames minus any record the client already has (after a resume or repair);
        `frames` itself when the client has none of them."""
        out = []
        for frame, frame_ids in zip(frames, ids, strict=True):
            fresh = self.cursor.fresh(frame_ids)
            if all(fresh):
                out.append(frame)
            elif any(fresh):  # only a batch frame can be partly old
                items = orjson.loads(frame)
                out.append(orjson.dumps([i for i, keep in zip(items, fresh, strict=True) if keep]))
            else:
                metrics.count("duplicates_dropped")
        return frames if out == frames else out

    async def _repair(self, hole: Hole) -> None:
        """Read the hole back from Kafka chunk by chunk, each sent once the socket has room.

        A client found slow meanwhile stops here: the rest goes into its gap notice."""
        metrics.count("holes_repaired")
        start = hole.start
        while start <= hole.end and not self.flow.slow:
            repair = await self.reader.read(hole.partition, start, hole.end)
            if repair.lost_before is not None:
                lost = {hole.partition: [start, repair.lost_before - 1]}
                await self._gap("retention_or_limit", lost)
                self.cursor.advance(hole.partition, repair.lost_before - 1)
            await self._send_batch(repair.batch)
            self.cursor.advance(hole.partition, repair.last)
            start = repair.last + 1

    async def _too_slow(self, covers: list[list[int]]) -> bool:
        """While the client is marked slow, skip its batches; tell it what it missed once its
        socket has room again (a client that stays stuck is closed by _writable)."""
        if not self.flow.slow:
            return False
        if self._blocked():
            self._skip(covers)
            return True
        await self._gap("slow_client", self.missed)
        self.missed, self.flow.slow = {}, False
        return False

    def _skip(self, covers: list[list[int]]) -> None:
        for partition, start, end in covers:
            first = self.cursor.expected.get(partition, start)
            self.missed.setdefault(partition, [first, end])[1] = end
            self.cursor.advance(partition, end)
        metrics.count("batches_skipped_slow")

    def _skip_queued(self) -> None:
        """Batches queued before the client counted as slow are skipped too, in order."""
        for message in self.inbox.take_if(lambda m: m["type"] == "stream.batch"):
            self._skip(message["covers"])

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
