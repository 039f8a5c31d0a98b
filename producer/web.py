"""daphne with two additions for streaming.

- Each WebSocket scope can tell how many bytes still wait to be sent. ASGI gives an
  application no back pressure: daphne hands every frame to Twisted, which buffers without
  limit for a client that stops reading. The producer's consumer reads this number to spot
  a slow client and bound its memory (gap notice or close 1013).
- Each WebSocket scope can write pre-built frames straight to the socket. A batch is framed
  once per process and the same bytes go to every client (producer.hub), instead of one
  ASGI message, one autobahn frame and one copy per client and batch.
- The server may close with 1001 and 1013 (RFC 6455 codes for "going away" and "try again
  later"), which autobahn's sendClose refuses; DESIGN §6 promises them to clients.

    python -m producer.web -b 127.0.0.1 -p 8000 config.asgi:application
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Callable, Iterable
from itertools import chain

import daphne.server
from daphne.cli import CommandLineInterface
from daphne.server import Server
from daphne.ws_protocol import WebSocketFactory, WebSocketProtocol

PENDING_BYTES = "flowcast.pending_bytes"
WRITE = "flowcast.write"  # scope key: write(frames: bytes) -> bool, False once not open
TEXT_FINAL = 0x81  # FIN + text opcode


def _header(length: int) -> bytes:
    if length < 126:
        return bytes((TEXT_FINAL, length))
    if length < 65536:
        return struct.pack("!BBH", TEXT_FINAL, 126, length)
    return struct.pack("!BBQ", TEXT_FINAL, 127, length)


def text_frames(payloads: Iterable[bytes]) -> bytes:
    """Unmasked final text frames (RFC 6455 §5.2) for UTF-8 payloads, as one buffer."""
    return b"".join(chain.from_iterable((_header(len(p)), p) for p in payloads))


def direct_writer(protocol: WebSocketProtocol) -> Callable[[bytes], bool]:
    """Writes whole frames to an open, uncompressed connection; refuses otherwise.

    Only whole frames go out, from the event loop's thread, so they never interleave with
    autobahn's own (pings, closes) or with the ASGI sends of the same connection. daphne
    negotiates no permessage-deflate, so frames go out as built.
    """

    def write(frames: bytes) -> bool:
        if protocol.state != protocol.STATE_OPEN or protocol.transport is None:
            return False
        protocol.transport.write(frames)
        return True

    return write


def pending_bytes(transport) -> int:
    """Bytes written to a Twisted TCP transport and not yet taken by the kernel."""
    if transport is None:
        return 0
    buffered = len(getattr(transport, "dataBuffer", b"")) - getattr(transport, "offset", 0)
    return buffered + getattr(transport, "_tempDataLen", 0)


class FlowcastWebSocketProtocol(WebSocketProtocol):
    def serverClose(self, code=None):
        self.sendCloseFrame(code=1000 if code is None else code, isReply=False)


class FlowcastWebSocketFactory(WebSocketFactory):
    protocol = FlowcastWebSocketProtocol


class FlowcastServer(Server):
    def create_application(self, protocol, scope):
        if scope.get("type") == "websocket":
            scope[PENDING_BYTES] = lambda: pending_bytes(protocol.transport)
            scope[WRITE] = direct_writer(protocol)
        return super().create_application(protocol, scope)


class FlowcastCLI(CommandLineInterface):
    server_class = FlowcastServer


def main(argv: list[str] | None = None) -> None:
    # Server.run() builds its factory from this module global; point it at ours.
    daphne.server.WebSocketFactory = FlowcastWebSocketFactory
    FlowcastCLI().run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    main()
