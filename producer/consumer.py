"""The WebSocket endpoint of a producer: authenticate, join the stream, forward frames.

Frames arrive pre-encoded from the worker, one channel-layer message per batch; this
consumer only writes them to its socket.
"""

from __future__ import annotations

import orjson
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from producer.auth import Grant, authorize
from producer.groups import stream_group

_CLIENT_MESSAGE_REPLY = orjson.dumps(
    {"type": "error", "message": "This endpoint only streams; client messages are ignored."}
).decode()


class ProducerConsumer(AsyncWebsocketConsumer):
    grant: Grant | None = None

    async def connect(self) -> None:
        ingestion_id = self.scope["url_route"]["kwargs"]["ingestion_id"]
        self.grant = await database_sync_to_async(authorize)(self.scope, ingestion_id)
        if self.grant is None:
            await self.close()  # before accept: daphne answers the handshake with 403
            return
        self.group = stream_group(self.grant.ingestion_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.grant is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        await self.send(text_data=_CLIENT_MESSAGE_REPLY)

    async def stream_batch(self, event: dict) -> None:
        for frame in event["frames"]:
            await self.send(text_data=frame)

    async def stream_close(self, event: dict) -> None:
        """Close the sessions that depended on what changed (DESIGN §6 close codes)."""
        kinds = event.get("auth_kinds")
        if kinds is None or self.grant.kind in kinds:
            await self.close(code=event["code"], reason=event.get("reason", ""))
