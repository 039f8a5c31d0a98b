"""The WebSocket endpoint of a producer: authenticate, join the stream, forward frames.

A thin adapter: what to send, repair, skip or close is decided by the connection's
StreamSession (producer.session, framework-free and table-tested); this carries its
actions out through one write path.

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
from dataclasses import astuple
from urllib.parse import parse_qs

import orjson
from autobahn.exception import Disconnected
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer

from pipelines.security.abuse_limits import Refusal
from producer import metrics
from producer.admission import admit, refuse
from producer.auth import REVOKED, SIGNED_OUT, Grant, recheck, rechecks
from producer.credit_reporter import reporter
from producer.cursor import BadSince, Cursor, parse_since
from producer.frames import text_frames
from producer.groups import stream_group
from producer.hub import hub
from producer.inbox import INBOX, INBOX_BYTES, Inbox
from producer.repair import reader_for
from producer.session import Close, Read, Recheck, StreamSession, WaitWritable, Write
from producer.web import SLOW_SECONDS, WRITER, SocketWriter

log = logging.getLogger(__name__)

TOO_SLOW = 1013
# Why a recheck ends a user's session (_recheck): 4503 do not reconnect; 4504 reconnect with
# a new token, which a page still signed in gets from its session.
RECHECK_CLOSES = {
    REVOKED: (4503, "Access to this pipeline was revoked"),
    SIGNED_OUT: (4504, "Sign-in changed; reconnect with a new token"),
}
INTERNAL_ERROR = 1011
BAD_REQUEST = 4400

_CLIENT_MESSAGE_REPLY = orjson.dumps(
    {"type": "error", "message": "This endpoint only streams; client messages are ignored."}
).decode()


class ProducerConsumer(AsyncWebsocketConsumer):
    # No channel of its own: the hub receives the stream once per process. A channel per
    # connection cost a Redis subscription, a queue and a waiting task each, unused.
    channel_layer_alias = None
    grant: Grant | None = None
    told_messages_ignored = False

    async def __call__(self, scope, receive, send) -> None:
        """Channels waits on each source through a task and asyncio.wait (a task, a set and
        futures per idle connection); with no channel of its own this consumer has one
        source, awaited directly."""
        self.scope, self.channel_layer, self.base_send = scope, None, send
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass

    async def dispatch(self, message: dict) -> None:
        """channels closes stale database connections (a thread hop) before every event; this
        consumer reaches the database only through database_sync_to_async, which does that
        itself. Measured: 4.5 thread hops per handshake, a third of its cost."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def websocket_disconnect(self, message: dict) -> None:
        await self.disconnect(message["code"])  # no groups, no database: see dispatch()
        raise StopConsumer()

    async def connect(self) -> None:
        ingestion_id = self.scope["url_route"]["kwargs"]["ingestion_id"]
        admission = await admit(self.scope, ingestion_id)
        if isinstance(admission, Refusal):
            if not await refuse(self.scope, self.base_send, admission):
                await self.close()
            return
        self.grant = admission
        if self.grant is None:
            await self.close()  # before accept: daphne answers the handshake with 403
            return
        deployed = self.grant.deployed
        frame_format = deployed.setting("meta", "frame_format", "envelope")
        self.reader = reader_for(deployed.inputs[0].name, frame_format, deployed.source_format)
        self.group = stream_group(self.grant.ingestion_id)
        self.writer: SocketWriter | None = self.scope.get(WRITER)  # None: plain ASGI sends
        since, problems = self._read_since()
        self.session = StreamSession(
            Cursor.resuming(since),
            None,
            Inbox(INBOX, INBOX_BYTES),
            auth_kind=self.grant.kind,
            frame_format=frame_format,
            shared_frames=self.writer is not None,
            rechecks=rechecks(self.grant),
        )
        self.flow = self.session.flow = reporter.join(
            self.grant.ingestion_id, self._stuck_since, self._backlogged
        )
        # Subscribed (and placed at the edge) before the handshake ends: whatever the
        # worker publishes once the client sees it connected reaches this session. Held
        # in the inbox until the socket is open.
        self.session.draining = True
        edge = await hub().join(self.group, self)
        self.session.cursor.place([(p, last + 1) for p, last in edge.items()])
        await self.accept()
        metrics.count("handshakes_accepted")
        for problem in problems:
            await self._control({"type": "error", "message": problem})
        if problems and problems[0].startswith("Bad since"):
            await self.close(code=BAD_REQUEST)
            return
        self._announce()
        self.session.draining = False
        self._start_draining()

    def _blocked(self) -> bool:
        return self.writer is not None and self.writer.paused

    def _backlogged(self) -> bool:
        return self.session.draining

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
        notice = self.session.position_notice()
        if notice is not None:
            self.writer.write(text_frames([notice]))

    async def disconnect(self, code: int) -> None:
        if self.grant is not None:
            reporter.leave(self.flow)
            await hub().leave(self.group, self)
            self.session.inbox.clear()

    async def receive(self, text_data=None, bytes_data=None) -> None:
        # Answered once, then dropped: a reply per message would let a client that sends
        # without reading make the server queue replies for it without bound.
        if not self.told_messages_ignored:
            self.told_messages_ignored = True
            await self.send(text_data=_CLIENT_MESSAGE_REPLY)

    def deliver(self, message: dict) -> None:
        """The hub's entry point: the usual batch is written here and now, the rest queued."""
        wire = self.session.arrive(message, self._blocked())
        if wire is not None:
            self.writer.write(wire)  # False once closing: disconnect() follows
        if not self.session.draining and self.session.pending():
            self._start_draining()
        else:
            self._announce()

    def _start_draining(self) -> None:
        if self.session.pending() and not self.session.draining:
            self.session.draining = True
            asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        """Carry out what the session decides, until its queue is empty."""
        session = self.session
        try:
            while (action := session.next_action(self._blocked())) is not None:
                if isinstance(action, Write):
                    await self._write(action)
                elif isinstance(action, Read):
                    session.repaired(action, await self.reader.read(*astuple(action)))
                elif isinstance(action, WaitWritable):
                    await self._writable()
                elif isinstance(action, Close):
                    await self.close(code=action.code, reason=action.reason)
                elif isinstance(action, Recheck):
                    await self._recheck()
                self._announce()
        except Disconnected:  # gone or closed: disconnect() cleans up
            session.inbox.clear()
        except Exception:
            log.exception("Stream to a client of %s failed", self.grant.ingestion_id)
            session.inbox.clear()
            await self.close(code=INTERNAL_ERROR)
        finally:
            session.draining = False

    async def _write(self, write: Write) -> None:
        """The one write path: pre-framed batch bytes or single frames, once there is room."""
        if self.writer is None:
            for frame in write.frames:
                await self.send(text_data=str(frame, "utf-8"))  # bytes or a view
            return
        await self._writable()
        self.writer.write(write.wire if write.wire is not None else text_frames(write.frames))

    async def _recheck(self) -> None:
        """A grant was removed, a group shrank, a password changed: a dashboard whose user may
        no longer view the pipeline, or is no longer signed in as it was, is closed."""
        verdict = await database_sync_to_async(recheck)(self.grant, self.scope)
        if verdict is not None:
            code, reason = RECHECK_CLOSES[verdict]
            await self.close(code=code, reason=reason)

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

    async def _control(self, message: dict) -> None:
        await self.send(text_data=orjson.dumps(message).decode())
