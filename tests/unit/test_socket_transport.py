"""The daphne transport that sends shared frames without a copy per socket.

A real socket pair (the kernel's buffer fills as a slow client's would) with Twisted's
in-memory reactor standing in for the event loop: the test calls doWrite when the
transport asked to be told the socket is writable.
"""

from __future__ import annotations

import contextlib
import socket

import pytest
from twisted.internet import main
from twisted.internet.interfaces import IPushProducer
from twisted.internet.protocol import Protocol
from twisted.internet.testing import MemoryReactor
from zope.interface import implementer

from producer.transport import StreamingServer


@implementer(IPushProducer)
class Producer:
    def __init__(self):
        self.paused = False

    def pauseProducing(self):
        self.paused = True

    def resumeProducing(self):
        self.paused = False

    def stopProducing(self):
        pass


@pytest.fixture
def pair():
    ours, theirs = socket.socketpair()
    reactor = MemoryReactor()
    transport = StreamingServer(ours, Protocol(), ("127.0.0.1", 1), None, 0, reactor)
    transport.bufferSize = 16 * 1024
    producer = Producer()
    transport.registerProducer(producer, True)
    theirs.setblocking(False)
    yield transport, theirs, reactor, producer
    ours.close()
    theirs.close()


def drain(transport, theirs, reactor) -> tuple[bytes, object]:
    """Read like a client while the transport has something to write."""
    got, result = bytearray(), None
    while transport in reactor.getWriters():
        with contextlib.suppress(BlockingIOError):
            got += theirs.recv(1 << 20)
        result = transport.doWrite()
    while True:
        try:
            chunk = theirs.recv(1 << 20)
        except BlockingIOError:
            break
        if not chunk:
            break
        got += chunk
    return bytes(got), result


def test_a_batch_the_kernel_cannot_take_at_once_is_queued_by_reference(pair):
    transport, theirs, reactor, producer = pair
    shared = bytes(range(256)) * 16 * 1024  # 4 MiB: more than a socket buffer holds
    transport.send_shared(shared)
    assert transport.dataBuffer is shared and 0 < transport.offset < len(shared)
    assert producer.paused
    later = b"x" * (1 << 20)
    transport.send_shared(later)
    assert transport._tempDataBuffer[-1] is later  # queued behind, not copied

    got, _ = drain(transport, theirs, reactor)

    assert got == shared + later
    assert not producer.paused  # resumed once everything went out


def test_small_writes_between_shared_ones_keep_their_order(pair):
    transport, theirs, reactor, _ = pair
    big = b"A" * (3 << 20)
    transport.send_shared(big)
    pieces = [b"ping", b"B" * 300_000, b"c1", b"c2", b"D" * 70_000]
    for piece in pieces:
        (transport.write if len(piece) < 10 else transport.send_shared)(piece)

    got, _ = drain(transport, theirs, reactor)

    assert got == big + b"".join(pieces)


def test_what_fits_goes_out_at_once(pair):
    transport, theirs, reactor, producer = pair
    transport.send_shared(b"hello")
    assert transport not in reactor.getWriters() and not producer.paused
    assert theirs.recv(100) == b"hello"


def test_a_close_waits_for_queued_bytes_then_completes(pair):
    transport, theirs, reactor, _ = pair
    transport.unregisterProducer()
    big = b"Z" * (3 << 20)
    transport.send_shared(big)
    transport.loseConnection()

    got, result = drain(transport, theirs, reactor)

    assert got == big
    assert result is main.CONNECTION_DONE


def test_only_what_is_left_to_send_counts_against_the_buffer(pair):
    transport, _, _, producer = pair
    shared = b"S" * (1 << 20)
    transport.send_shared(shared)
    assert producer.paused
    left = len(shared) - transport.offset
    transport.offset += left - 100  # as if the kernel took all but 100 bytes
    assert not transport._isSendBufferFull()


class CountingSocket:
    """The real socket, with the calls that carry bytes counted."""

    def __init__(self, sock: socket.socket):
        self.sock, self.calls = sock, 0

    def send(self, data):
        self.calls += len(data) > 0
        return self.sock.send(data)

    def sendmsg(self, buffers):
        self.calls += 1
        return self.sock.sendmsg(buffers)

    def __getattr__(self, name):
        return getattr(self.sock, name)


def test_a_writable_socket_gets_all_that_is_queued_in_one_call(pair):
    transport, theirs, reactor, _ = pair
    big = b"A" * (3 << 20)
    transport.send_shared(big)
    frames = [bytes([66 + n]) * 165_000 for n in range(3)]  # past Twisted's 128 KB per send
    for frame in frames:
        transport.send_shared(frame)
    counting = transport.socket = CountingSocket(transport.socket)

    got, events = bytearray(), 0
    while transport in reactor.getWriters():
        with contextlib.suppress(BlockingIOError):
            got += theirs.recv(1 << 22)
        transport.doWrite()
        events += 1
    rest, _ = drain(transport, theirs, reactor)

    assert bytes(got) + rest == big + b"".join(frames)
    assert counting.calls <= events  # Twisted alone: two sends for each 165 KB frame


def test_a_websocket_gets_the_kernel_send_buffer_it_was_configured_with():
    from types import SimpleNamespace

    from producer.web import SocketWriter

    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        ours, peer = listener.accept()
    transport = StreamingServer(ours, Protocol(), peer, None, 0, MemoryReactor())
    protocol = SimpleNamespace(STATE_OPEN=3, state=3, transport=transport)
    autotuned = ours.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
    writer = SocketWriter(protocol, 16 * 1024, 64 * 1024)

    assert writer.write(b"x")

    # Linux doubles what it is given, for its own bookkeeping.
    assert ours.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) == 2 * 64 * 1024 != autotuned
    assert client.recv(10) == b"x"
    ours.close()
    client.close()


def test_discarding_keeps_the_frame_in_flight_whole_and_what_comes_after(pair):
    transport, theirs, reactor, _ = pair
    started = b"A" * (3 << 20)  # the kernel has taken part of it
    transport.send_shared(started)
    for n in range(3):
        transport.send_shared(bytes([66 + n]) * 100_000)
    transport.discard_queued()
    transport.write(b"close")  # what a close frame would be

    got, _ = drain(transport, theirs, reactor)

    assert got == started + b"close"
    assert transport.unsent() == 0


def test_the_upgrade_requests_http_channel_goes_at_once_not_to_the_collector():
    """daphne upgrades a WebSocket from an HTTP request: the channel keeps the request, the
    request its channel. Left like that, each connection's 22 objects waited for the
    collector's rare full pass (Flowcast's young pass runs every 50,000 allocations)."""
    import gc
    import weakref
    from types import SimpleNamespace

    from twisted.web.http import HTTPChannel, Request

    from producer.web import SocketWriter

    with socket.create_server(("127.0.0.1", 0)) as listener:
        theirs = socket.create_connection(listener.getsockname())
        ours, peer = listener.accept()
    transport = StreamingServer(ours, Protocol(), peer, None, 0, MemoryReactor())
    channel = HTTPChannel()
    channel.transport = transport
    channel.requests.append(Request(channel))
    channel.transport = None  # as daphne's upgrade leaves them
    transport.registerProducer(channel, True)
    gone = weakref.ref(channel)
    del channel
    writer = SocketWriter(SimpleNamespace(STATE_OPEN=3, state=3, transport=transport), 16384, 0)
    gc.disable()
    try:
        assert writer.write(b"x")  # the first write takes the producer slot
        assert gone() is None
    finally:
        gc.enable()
        ours.close()
        theirs.close()
