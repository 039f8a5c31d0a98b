"""Twisted's TCP server connection, minus the per-socket copies of shared frames.

The hub frames a batch once per process and every client's socket gets the same bytes
(producer.hub). Twisted's transport copies them anyway: a write that does not fit the
kernel's buffer is queued, and the queue is joined into one new buffer per connection (and
`data[sent:]` is a copy too). With hundreds of clients behind, each held a private copy of
the batch in flight: ~30 MB of ~190 KB joins in one daphne of 500 clients, measured with
tracemalloc at 1000 clients. Here every buffer is sent from where it lies, by offset, and
what is queued goes out in one gathering `sendmsg` per writable event. Twisted sends at
most 128 KB per call, so a 165 KB batch frame took two sends (1.45 sends per frame were
counted at 1000 clients).
"""

from __future__ import annotations

import contextlib
import fcntl
import socket
import struct
import termios

from twisted.internet import main, tcp
from twisted.python.compat import lazyByteSlice

GATHER = 64  # buffers per sendmsg call, well under the kernel's IOV_MAX (1024)


class StreamingServer(tcp.Server):
    sent = 0  # bytes the kernel has taken from this connection, in all

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Frames are written whole, so Nagle has nothing to merge; it would only hold a
        # small control frame or a frame's last piece until the client's ACK.
        with contextlib.suppress(OSError):  # not TCP (a Unix socket in tests)
            self.setTcpNoDelay(True)

    def send_shared(self, data: bytes) -> None:
        """Write bytes other sockets share: sent at once when nothing waits before them,
        else queued by reference, never copied."""
        if not self.connected or self._writeDisconnected or not data:
            return
        if self.TLS or self.offset < len(self.dataBuffer) or self._tempDataBuffer:
            self.write(data)  # TLS (startTLS) encrypts what it writes: its own path
            return
        try:
            sent = self.socket.send(data)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:  # reset or broken: Twisted sees it on its next read and closes
            return
        self.sent += sent
        if sent < len(data):
            self.dataBuffer, self.offset = data, sent
            self._maybePauseProducer()
            self.startWriting()

    def limit_send_buffer(self, size: int) -> None:
        """A fixed kernel send buffer (SO_SNDBUF) instead of the kernel's autotuning."""
        with contextlib.suppress(OSError):
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, size)

    def discard_queued(self) -> None:
        """Forget the writes still queued whole; the current buffer, maybe half sent, stays."""
        self._tempDataBuffer, self._tempDataLen = [], 0

    def _isSendBufferFull(self) -> bool:
        """Counts what is left to send: a batch queued by reference is whole, not copied."""
        return self.unsent() > self.bufferSize

    def unsent(self) -> int:
        """Bytes written here that the kernel has not taken yet."""
        return len(self.dataBuffer) - self.offset + self._tempDataLen

    def unacknowledged(self) -> int:
        """Bytes written that the peer has not acknowledged: unsent, plus the kernel's
        send queue (Linux SIOCOUTQ)."""
        queued = self.unsent()
        with contextlib.suppress(OSError):
            raw = fcntl.ioctl(self.socket.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
            queued += struct.unpack("i", raw)[0]
        return queued

    def doWrite(self):
        while self.offset < len(self.dataBuffer) or self._tempDataBuffer:
            buffers = [lazyByteSlice(self.dataBuffer, self.offset), *self._tempDataBuffer[:GATHER]]
            try:
                sent = self.socket.sendmsg(buffers)
            except (BlockingIOError, InterruptedError):
                return None
            except OSError:
                return main.CONNECTION_LOST
            self.sent += sent
            if not self._sent(sent):
                return None  # the kernel's buffer is full: wait for the next writable event
        # Everything sent: Twisted's own bookkeeping (stop writing, resume the producer,
        # finish a close) runs on the empty buffer.
        return super().doWrite()

    def _sent(self, sent: int) -> bool:
        """Move past `sent` bytes of the current buffer and then of the queue; True if all
        that was offered went out."""
        left = len(self.dataBuffer) - self.offset
        if sent < left:
            self.offset += sent
            return False
        sent -= left
        queued, taken = self._tempDataBuffer, 0
        offered = min(len(queued), GATHER)
        while taken < offered and sent >= len(queued[taken]):
            sent -= len(queued[taken])
            self._tempDataLen -= len(queued[taken])
            taken += 1
        if taken < offered:  # this one went out in part: it becomes the current buffer
            self.dataBuffer, self.offset = queued[taken], sent
            self._tempDataLen -= len(queued[taken])
            del queued[: taken + 1]
            return False
        self.dataBuffer, self.offset = b"", 0
        del queued[:taken]
        return True


def install() -> None:
    """Make every TCP port of this process accept connections as StreamingServer."""
    tcp.Port.transport = StreamingServer
