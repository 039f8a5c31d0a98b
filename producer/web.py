"""daphne with additions for streaming.

- Each WebSocket scope carries a SocketWriter: pre-built frames go straight to the socket
  (producer.transport: no copy per socket), and the writer says when the client is behind.
  A batch is framed once per process and the same bytes go to every client
  (producer.hub), instead of one ASGI message, one autobahn frame and one copy per client
  and batch. And ASGI gives an application no back
  pressure: daphne hands every frame to Twisted, which buffers without limit for a client
  that stops reading; the writer lets the consumer stop writing instead (gap notice or
  close 1013 follow).
- The server may close with 1001 and 1013 (RFC 6455 codes for "going away" and "try again
  later"), which autobahn's sendClose refuses; DESIGN §6 promises them to clients.
- An application may answer a handshake with its own HTTP response (ASGI's WebSocket
  Denial Response extension, which daphne lacks): a handshake refused for rate gets 429
  with Retry-After before accept (DESIGN §6), not daphne's bare 403.
- autobahn formats two debug messages per connection even with debug logging off (a
  pformat of its 36 settings: most of a handshake's cost); they are formatted only when
  a debug log is written (quiet_autobahn_debug).
- A client behind on its frames answers the keepalive ping late, since the ping waits
  behind them: it gets more time (FlowcastWebSocketProtocol.onAutoPingTimeout) instead of
  an abrupt 1006, and the slow-client rules apply to it.

    python -m producer.web -e tcp:port=8000:interface=127.0.0.1:backlog=1024 config.asgi:application
"""

from __future__ import annotations

import sys

if __name__ == "__main__":  # a web process, before daphne and Twisted are imported
    from producer.lean import leave_out_unused_extras

    leave_out_unused_extras(sys.argv)

import asyncio
import gc
import os
import time
from functools import partial
from http import HTTPStatus

import daphne.server
from autobahn.websocket.types import ConnectionDeny
from daphne.cli import CommandLineInterface
from daphne.server import Server
from daphne.ws_protocol import WebSocketFactory, WebSocketProtocol
from django.conf import settings

from pipelines.runtime.malloc import limit_arenas
from producer import transport as streaming_transport

WRITER = "flowcast.writer"  # scope key: the connection's SocketWriter
DENIAL = "websocket.http.response"  # the ASGI extension this server adds (scope "extensions")
GOING_AWAY = 1001
MESSAGE_TOO_BIG = 1009
GOODBYE_SECONDS = 3.0  # how long a stopping process waits for its clients' closing handshakes
# Container objects allocated (net) before the collector's young pass; Python's 700 made the
# collector a quarter of a handshake storm's CPU: 3,000 handshakes at 1,010-1,046/s with
# 0.88-0.95 ms of CPU each, 1,250/s and 0.75 ms with 50,000 (the collector off: 0.67 ms).
# What it may leave uncollected between passes is a few MB of cyclic garbage at most.
GC_YOUNG_THRESHOLD = 50_000
SLOW_SECONDS = 30.0  # a socket that stays full this long is closed (1013), and a ping
# queued behind a client's frames gets this much more time for its pong


class SocketWriter:
    """One connection's way to its socket: whole frames, sent at once, parked when behind.

    Registered as the transport's streaming producer: Twisted pauses it once more than
    `buffer_bytes` wait in user space (past what the kernel's socket buffer took) and
    resumes it when they are gone. The consumer writes nothing while paused, so a client
    that does not read costs at most that buffer plus one write.

    Only whole frames go out, from the event loop's thread, so they never interleave with
    autobahn's own (pings, closes) or with the ASGI sends of the same connection. daphne
    negotiates no permessage-deflate, so frames go out as built.
    """

    __slots__ = (  # one per connection
        "_send",
        "_waiters",
        "buffer_bytes",
        "kernel_bytes",
        "paused",
        "protocol",
        "stuck_since",
    )

    def __init__(self, protocol: WebSocketProtocol, buffer_bytes: int, kernel_bytes: int = 0):
        self.protocol = protocol
        self.buffer_bytes = buffer_bytes
        self.kernel_bytes = kernel_bytes  # SO_SNDBUF; 0 leaves it to the kernel
        self.paused = False
        self.stuck_since: float | None = None  # first pause since the socket last drained
        self._send = None  # the transport's write for shared frames, once registered
        self._waiters: list[asyncio.Future] = []

    def write(self, frames: bytes) -> bool:
        """False once the connection is closing (nothing is written then)."""
        transport = self.protocol.transport
        if (
            self.protocol.state != self.protocol.STATE_OPEN
            or transport is None
            or transport.disconnecting
        ):
            return False
        if self._send is None:
            self._register(transport)
        self._send(frames)
        return True

    def _register(self, transport) -> None:
        """Take the producer slot from daphne's HTTP channel. Once upgraded, the channel's
        request never ends, and with a request in hand its pause and resume do nothing; kept,
        it held the upgrade request's objects (~2 KB) for the connection's life."""
        self._send = getattr(transport, "send_shared", transport.write)  # producer.transport
        channel = transport.producer
        if channel is not None:
            transport.unregisterProducer()
            # daphne's HTTP channel and its upgrade request refer to each other: garbage
            # only the collector's rare full pass frees (22 objects per connection). Out of
            # the channel's list, the request goes at once, and the channel with it.
            requests = getattr(channel, "requests", None)
            if isinstance(requests, list):
                requests.clear()
        transport.bufferSize = self.buffer_bytes
        if self.kernel_bytes and hasattr(transport, "limit_send_buffer"):
            # What a client is behind by then waits in its bounded inbox, not in up to 4 MB
            # of autotuned kernel buffer per client (see settings).
            transport.limit_send_buffer(self.kernel_bytes)
        transport.registerProducer(self, True)

    def discard_queued(self) -> None:
        """Drop the whole frames still waiting in user space (the one the kernel has
        started on goes out whole). For a client about to be closed as too slow: its close
        frame would otherwise wait behind them, the client would not read it before the
        close handshake timed out, and it would see an abrupt 1006 instead of the 1013
        that tells it to resume with `since`."""
        transport = self.protocol.transport
        if transport is not None and hasattr(transport, "discard_queued"):
            transport.discard_queued()

    async def resumed(self) -> None:
        while self.paused:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            await waiter

    # IPushProducer, called by the transport
    def pauseProducing(self) -> None:
        self.paused = True
        if self.stuck_since is None:
            self.stuck_since = time.monotonic()

    def resumeProducing(self) -> None:  # everything written has gone to the kernel
        self.paused = False
        self.stuck_since = None
        self._release()

    def stopProducing(self) -> None:  # connection lost: release whoever waits
        self.paused = False
        self.stuck_since = None
        self._release()

    def _release(self) -> None:
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)


def tell_going_away(websockets: list, told: set) -> bool:
    """One look of a stopping server (FlowcastServer.goodbye): close each open socket not
    told yet with 1001; True once none is left open, opening or closing."""
    for protocol in websockets:
        if protocol.state == protocol.STATE_OPEN and protocol not in told:
            told.add(protocol)
            writer = getattr(protocol, "flowcast_writer", None)
            if writer is not None:
                writer.discard_queued()  # the close frame must not wait behind a backlog
            protocol.sendCloseFrame(code=GOING_AWAY, reasonUtf8=b"Server going away")
    return all(p.state == p.STATE_CLOSED for p in websockets)


class FlowcastWebSocketProtocol(WebSocketProtocol):
    _behind_at_ping = 0  # bytes that may be ahead of the last keepalive ping
    _sent_at_ping = 0  # the transport's sent count when it was sent
    _pong_grace_used = False
    _denial: tuple[int, list, bytes] | None = None  # status, headers, body so far
    _denied: tuple[int, list, bytes] | None = None  # the whole response, being sent

    def _connectionMade(self):
        super()._connectionMade()
        self.send_queue = _SendQueue()

    def onOpen(self):
        super().onOpen()
        self._forget_handshake()

    def _forget_handshake(self) -> None:
        """The upgrade request was kept three times over (autobahn's raw bytes and header
        dict, daphne's header list, which the scope shares), ~2 KB per connection; once
        open, nothing reads them: the application decided on the handshake in connect()."""
        self.http_request_data = b""
        self.http_headers.clear()  # also the ConnectionRequest's headers
        self.clean_headers.clear()  # also scope["headers"]

    def handle_reply(self, message):
        """daphne's, plus the denial response: start (status, headers), then body."""
        kind = message.get("type")
        if kind == "websocket.http.response.start":
            if self.state != self.STATE_CONNECTING or self._denial is not None:
                raise ValueError("A denial response starts once, before the handshake ends")
            self._denial = (int(message["status"]), list(message.get("headers", ())), b"")
        elif kind == "websocket.http.response.body":
            if self._denial is None or self._denied is not None:
                raise ValueError("A denial response body needs websocket.http.response.start")
            status, headers, body = self._denial
            self._denial = (status, headers, body + message.get("body", b""))
            if not message.get("more_body", False):
                self._deny()
        else:
            super().handle_reply(message)

    def _deny(self) -> None:
        """daphne's serverReject with the application's response, which failHandshake sends."""
        self._denied = self._denial
        status = self._denied[0]
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Refused"
        self.handshake_deferred.errback(ConnectionDeny(status, reason))
        del self.handshake_deferred
        self.server.protocol_disconnected(self)
        client = ":".join(map(str, self.client_addr)) if self.client_addr else None
        self.server.log_action(
            "websocket", "rejected", {"path": self.request.path, "client": client}
        )

    def failHandshake(self, reason, code=400, responseHeaders=None):
        if self._denied is None:
            return super().failHandshake(reason, code, responseHeaders)
        status, headers, body = self._denied
        self.wasNotCleanReason = reason
        lines = [f"HTTP/1.1 {status} {reason}"]
        for name, value in headers:
            if name.lower() not in (b"content-length", b"connection"):
                lines.append(f"{name.decode('latin-1')}: {value.decode('latin-1')}")
        lines += [f"Content-Length: {len(body)}", "Connection: close", "", ""]
        self.sendData("\r\n".join(lines).encode("latin-1") + body)
        self.dropConnection(abort=False)
        return None

    def serverClose(self, code=None):
        self.sendCloseFrame(code=1000 if code is None else code, isReply=False)

    def _fail_connection(self, code=1001, reason="going away"):
        # A frame over daphne's 1 MiB: tell the client why with a close frame (RFC 6455
        # §7.1.7) rather than autobahn's default of dropping the connection (a bare 1006).
        if code == MESSAGE_TOO_BIG:
            self.failByDrop = False
        super()._fail_connection(code, reason)

    def _sendAutoPing(self):
        # daphne pings every interval, pong or not: a later ping must not replace the
        # one still waiting (and the note of what was queued ahead of it).
        if self.autoPingPending is not None:
            return
        transport = self.transport
        if transport is not None:
            # Ahead of the ping: what the client's TCP has not acknowledged, and what it
            # took since the last ping, which may still wait in its receive buffer (with a
            # small send buffer that is where most of a slow reader's backlog is).
            sent, self._sent_at_ping = transport.sent - self._sent_at_ping, transport.sent
            self._behind_at_ping = transport.unacknowledged() + sent
        self._pong_grace_used = False
        super()._sendAutoPing()

    def onAutoPingTimeout(self):
        """A client behind on the stream reads our ping only after the frames queued ahead
        of it, so its pong comes late although it is reading. Dropping it then is an
        abrupt 1006 it may not resume from; it gets SLOW_SECONDS more, as long as a
        full socket may wait before the consumer closes it with 1013."""
        if self._behind_at_ping > 0 and not self._pong_grace_used:
            from twisted.internet import reactor  # daphne's, installed by then

            self._pong_grace_used = True
            self.autoPingTimeoutCall = reactor.callLater(SLOW_SECONDS, self.onAutoPingTimeout)
            return
        super().onAutoPingTimeout()


class FlowcastWebSocketFactory(WebSocketFactory):
    protocol = FlowcastWebSocketProtocol

    def buildProtocol(self, addr):
        """autobahn copies its 29 options from the factory onto each connection unless its
        class has them: here they are class attributes of a protocol class of this factory's
        own, made at its first connection (its options are final by then). 105 attributes a
        connection were a 3.3 KB dict; 76 fit a dict of half the table."""
        if "protocol" not in vars(self):
            options = {name: _as_is(getattr(self, name)) for name in self.protocol.CONFIG_ATTRS}
            self.protocol = type(self.protocol.__name__, (self.protocol,), options)
        return super().buildProtocol(addr)


def _as_is(value):
    """A class attribute that reads back as set: a function option (perMessageCompressionAccept)
    would otherwise become a method and get the protocol as its first argument."""
    return staticmethod(value) if callable(value) else value


class _SendQueue(list):
    """autobahn's queue of chopped or synchronous writes, which daphne never makes: a deque
    per connection held a 0.7 KB block for nothing."""

    __slots__ = ()

    def popleft(self):
        return self.pop(0)


class FlowcastServer(Server):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ended: set = set()  # protocols whose connection or application ended
        self.ports: list = []  # the listening ports, to stop at goodbye
        stream = getattr(self.action_logger, "stream", None)
        if getattr(stream, "name", None) == os.devnull:
            # daphne logs every connection to stdout unless given a file; the quiet default
            # (processes.daphne_command) names /dev/null: skip formatting lines for it.
            self.action_logger = None

    def run(self):
        # The application is loaded: keep its objects (Django, the URLconf) out of the
        # collector's full passes, which otherwise walk them between two batches (51 ms
        # measured with Django loaded, 0 after the freeze).
        gc.freeze()
        gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
        from twisted.internet import reactor

        # SIGTERM and SIGINT stop the reactor; before it stops, say goodbye (added before
        # daphne's own trigger, which cancels the applications).
        reactor.addSystemEventTrigger("before", "shutdown", self.goodbye)
        super().run()

    def listen_success(self, port):
        """Keep the port: daphne's callback returns None, so its listener Deferreds end
        with no port to stop (a stopping process went on taking reconnections, and
        clients it had just told 1001 came back to it and saw 1006 when it exited)."""
        super().listen_success(port)
        self.ports.append(port)

    def _application_ended(self, protocol, _task) -> None:
        self.ended.add(protocol)  # self.ended, not the set of the moment: it is swapped

    def protocol_disconnected(self, protocol):
        super().protocol_disconnected(protocol)
        self.ended.add(protocol)

    def application_checker(self):
        """daphne's once-a-second reaping, for the connections that ended only: daphne walks
        every connection (5 % of a handshake storm's CPU at 3,000 open; at 10,000 each web
        process walked them all every second for nothing)."""
        from twisted.internet import reactor

        ended, self.ended = self.ended, set()
        for protocol in ended:
            if protocol in self.connections and not self._reap(protocol):
                self.ended.add(protocol)  # its application is still closing: look again
        reactor.callLater(1, self.application_checker)

    def _reap(self, protocol) -> bool:
        """daphne's checks for one connection; False while its application still runs after
        the connection is gone (cancelled past application_close_timeout)."""
        details = self.connections[protocol]
        disconnected = details.get("disconnected")
        application = details.get("application_instance")
        if application is not None and not application.done():
            if disconnected and time.time() - disconnected > self.application_close_timeout:
                application.cancel()
            return not disconnected
        if application is not None:
            self._report(protocol, application, disconnected)
            del details["application_instance"]
        if disconnected:
            del self.connections[protocol]
        return True

    def _report(self, protocol, application, disconnected) -> None:
        try:
            exception = application.exception()
        except asyncio.CancelledError:
            return
        if exception is None:
            return
        if isinstance(exception, KeyboardInterrupt):
            self.stop()  # the application asks the server to exit (tests)
            return
        daphne.server.logger.error(
            "Exception inside application: %s", exception, exc_info=exception
        )
        if not disconnected:
            protocol.handle_exception(exception)

    def goodbye(self):
        """Stop listening, close every WebSocket with 1001 and wait (at most
        GOODBYE_SECONDS) for the closing handshakes, so clients see "going away" and
        resume elsewhere instead of an abrupt 1006. Returns the Deferred shutdown waits on.

        A handshake still under way when this starts opens afterwards: it is closed with
        1001 as soon as it is open (a rolling restart under load had the odd client see
        1006 after its 1001s: its socket opened after the others were told)."""
        from twisted.internet import defer, reactor

        for port in self.ports:
            port.stopListening()
        told: set = set()
        done = defer.Deferred()
        deadline = time.monotonic() + GOODBYE_SECONDS

        def check() -> None:
            websockets = [p for p in list(self.connections) if isinstance(p, WebSocketProtocol)]
            if tell_going_away(websockets, told) or time.monotonic() > deadline:
                done.callback(None)
            else:
                reactor.callLater(0.02, check)

        check()
        return done

    def create_application(self, protocol, scope):
        if scope.get("type") == "websocket":
            scope.setdefault("extensions", {})[DENIAL] = {}
            scope[WRITER] = protocol.flowcast_writer = SocketWriter(
                protocol,
                settings.FLOWCAST["SOCKET_BUFFER_BYTES"],
                settings.FLOWCAST["SOCKET_SEND_BUFFER_BYTES"],
            )
        return self._start_application(protocol, scope)

    def _start_application(self, protocol, scope) -> InputQueue | None:
        """daphne's create_application with a lighter input queue, and the application's
        end noted for the reaping (application_checker)."""
        assert "application_instance" not in self.connections[protocol]
        queue = InputQueue()
        scope.setdefault("asgi", {"version": "3.0"})
        instance = self.application(
            scope=scope, receive=queue.get, send=partial(self.handle_reply, protocol)
        )
        if protocol not in self.connections:
            return None
        task = asyncio.ensure_future(instance)
        task.add_done_callback(partial(self._application_ended, protocol))
        self.connections[protocol]["application_instance"] = task
        return queue


class InputQueue:
    """What daphne hands an application as `receive`, for one reader (the application).

    asyncio.Queue holds four deques (its items, getters, putters and an Event's waiters):
    3 KB for each of thousands of connections that mostly wait. daphne only calls
    put_nowait() and the application only awaits get().
    """

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: list = []
        self._waiter: asyncio.Future | None = None

    def put_nowait(self, item) -> None:
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self):
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._items.pop(0)


class _Later:
    """A log argument formatted only if the message is written."""

    __slots__ = ("args", "format")

    def __init__(self, format, *args):
        self.format, self.args = format, args

    def __str__(self) -> str:
        return str(self.format(*self.args))

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def quiet_autobahn_debug() -> None:
    """Debug-log arguments of autobahn's WebSocket protocol, built lazily (measured: 0.7 ms
    of a handshake's CPU went to a pformat nobody logs)."""
    from autobahn.twisted import websocket
    from autobahn.websocket import protocol

    for module, name in (
        (protocol, "pformat"),
        (protocol, "hltype"),
        (protocol, "hlval"),
        (websocket, "hltype"),
        (websocket, "hlval"),
    ):
        original = getattr(module, name)
        setattr(module, name, lambda *args, _f=original: _Later(_f, *args))


class FlowcastCLI(CommandLineInterface):
    server_class = FlowcastServer


def main(argv: list[str] | None = None) -> None:
    # Server.run() builds its factory from this module global; point it at ours.
    daphne.server.WebSocketFactory = FlowcastWebSocketFactory
    streaming_transport.install()
    quiet_autobahn_debug()
    limit_arenas()
    FlowcastCLI().run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    main()
