"""Twisted's TCP server connection, minus the per-socket copies of shared frames.

The hub frames a batch once per process and every client's socket gets the same bytes
(producer.hub). Twisted's transport copies them anyway: a write that does not fit the
kernel's buffer is queued, and the queue is joined into one new buffer per connection (and
`data[sent:]` is a copy too). With hundreds of clients behind, each held a private copy of
the batch in flight: ~30 MB of ~190 KB joins in one daphne of 500 clients, measured with
tracemalloc at 1000 clients. Here a large buffer is sent from where it lies, by offset;
small ones (pings, control frames) are still joined, as that saves a send per frame.
"""

from __future__ import annotations

import contextlib
import fcntl
import struct
import termios

from twisted.internet import tcp
from twisted.python.compat import lazyByteSlice

JOIN_BYTES = 16 * 1024  # queued buffers up to this much in all are joined before sending


class StreamingServer(tcp.Server):
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
        if sent < len(data):
            self.dataBuffer, self.offset = data, sent
            self._maybePauseProducer()
            self.startWriting()

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
        while True:
            if self.offset == len(self.dataBuffer) and not self._next_buffer():
                break
            written = self.writeSomeData(lazyByteSlice(self.dataBuffer, self.offset))
            if isinstance(written, Exception) or written < 0:
                return written
            self.offset += written
            if self.offset < len(self.dataBuffer):
                return None  # the kernel's buffer is full: wait for the next writable event
        # Everything sent: Twisted's own bookkeeping (stop writing, resume the producer,
        # finish a close) runs on the empty buffer.
        return super().doWrite()

    def _next_buffer(self) -> bool:
        queued = self._tempDataBuffer
        if not queued:
            return False
        if len(queued) > 1 and self._tempDataLen <= JOIN_BYTES:
            self.dataBuffer, self._tempDataBuffer = b"".join(queued), []
        else:
            self.dataBuffer = queued.pop(0)
        self._tempDataLen -= len(self.dataBuffer)
        self.offset = 0
        return True


def install() -> None:
    """Make every TCP port of this process accept connections as StreamingServer."""
    tcp.Port.transport = StreamingServer
