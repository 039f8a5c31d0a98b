"""A lean WebSocket client: `websockets`' Sans-I/O protocol on a bare asyncio Protocol.

Why not `websockets.asyncio.client`: it costs ~40 µs of Python per frame (a future and a
queue hop per message). At 2k records/s Flowcast and the bridge send ~250 frames/s to
each client, so 100 clients in one process needed a whole core and the benchmark measured
its own fleet (seconds of "latency" for the bridge too). Here frames are handed to a
callback straight from `data_received`, ~15 µs each; handshake, ping/pong and the closing
handshake are still done by the library.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.protocol import State
from websockets.uri import parse_uri

MAX_SIZE = 2**21


class Connection(asyncio.Protocol):
    """One WebSocket connection; `on_message(data, received_at)` gets each text message."""

    def __init__(self, url: str, headers: dict[str, str], on_message: Callable, stalled: bool):
        self.ws = ClientProtocol(parse_uri(url), max_size=MAX_SIZE)
        self.request = self.ws.connect()
        for name, value in headers.items():
            self.request.headers[name] = value
        self.on_message = on_message
        self.stalled = stalled
        loop = asyncio.get_running_loop()
        self.opened: asyncio.Future = loop.create_future()
        self.closed: asyncio.Future = loop.create_future()  # result: the close code
        self.transport: asyncio.Transport | None = None
        self._parts: list[bytes] = []  # a fragmented message so far
        self._abort_scheduled = False

    def connection_made(self, transport) -> None:
        self.transport = transport
        self.ws.send_request(self.request)
        self._flush()

    def data_received(self, data: bytes) -> None:
        self.ws.receive_data(data)
        now = time.time()
        for event in self.ws.events_received():
            if isinstance(event, Frame):
                self._frame(event, now)
            elif isinstance(event, Response) and not self.opened.done():
                self._handshake()
        self._flush()

    def _handshake(self) -> None:
        if self.ws.handshake_exc is not None:
            self.opened.set_exception(self.ws.handshake_exc)
            return
        self.opened.set_result(None)
        if self.stalled:
            self.transport.pause_reading()  # never read again: the server must buffer or cut

    def _frame(self, frame: Frame, now: float) -> None:
        if frame.opcode in (Opcode.TEXT, Opcode.BINARY, Opcode.CONT):
            if not frame.fin:
                self._parts.append(frame.data)
                return
            data = b"".join([*self._parts, frame.data]) if self._parts else frame.data
            self._parts = []
            self.on_message(data, now)

    def _flush(self) -> None:
        for data in self.ws.data_to_send():
            if data:
                self.transport.write(data)
            elif self.transport.can_write_eof():
                self.transport.write_eof()
        if self.ws.close_expected() and not self._abort_scheduled:
            self._abort_scheduled = True  # the server should close TCP; don't wait forever
            asyncio.get_running_loop().call_later(2.0, self.abort)

    def close(self, code: int = 1000) -> None:
        """Start the closing handshake (the server then closes TCP), unless already closing."""
        if self.ws.state is State.OPEN and self.transport and not self.transport.is_closing():
            self.ws.send_close(code)
            self._flush()

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    def connection_lost(self, exc: Exception | None) -> None:
        self.ws.receive_eof()
        if not self.opened.done():
            self.opened.set_exception(exc or ConnectionError("closed during the handshake"))
        if not self.closed.done():
            self.closed.set_result(self.ws.close_code or 1006)


async def connect(
    url: str,
    headers: dict[str, str],
    on_message: Callable,
    *,
    stalled: bool = False,
    timeout: float = 60.0,
) -> Connection:
    """Open a connection and finish the handshake, or raise (e.g. InvalidStatus for a 403)."""
    parts = urlsplit(url)
    loop = asyncio.get_running_loop()
    _, conn = await asyncio.wait_for(
        loop.create_connection(
            lambda: Connection(url, headers, on_message, stalled), parts.hostname, parts.port
        ),
        timeout,
    )
    try:
        await asyncio.wait_for(asyncio.shield(conn.opened), timeout)
    except BaseException:
        conn.abort()
        raise
    return conn
