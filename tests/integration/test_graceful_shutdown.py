"""A stopping web process says goodbye: every client gets 1001 (DESIGN §6), resumes on
another process with `since`, and ends with every record exactly once."""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import socket
from urllib.parse import urlsplit

import orjson
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.integration.clients import bearer, ws_url
from tests.runtime import build_stream, port_of, wait_for

pytestmark = pytest.mark.integration

CLIENTS = 10
RECORDS = 600


class ResumingClient:
    """Keeps the last id per partition; after a close, reconnects elsewhere with since."""

    def __init__(self, producer):
        self.producer = producer
        self.ids: list[str] = []
        self.last: dict[int, int] = {}
        self.codes: list[int] = []
        self.connected = asyncio.Event()  # its first handshake is done

    async def run(self, hosts: list[str], want: int) -> None:
        for host in hosts:
            since = ",".join(f"{p}-{o}" for p, o in sorted(self.last.items()))
            url = ws_url(host, self.producer, f"?since={since}" if since else "")
            async with connect(url, additional_headers=bearer(self.producer)) as ws:
                self.connected.set()
                try:
                    async for frame in ws:
                        record = orjson.loads(frame)
                        if "type" in record:
                            continue
                        self.ids.append(record["id"])
                        self.last[record["partition"]] = record["offset"]
                        if len(self.ids) >= want:
                            return
                except ConnectionClosed:
                    pass
                self.codes.append(ws.close_code)


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_clients_of_a_stopping_process_get_1001_and_lose_nothing(stack, owner, how):
    s = build_stream(owner, batch_size=20)
    leaving, staying = stack.webs(2)
    stack.workers(s["reader"], s["producer"])
    clients = [ResumingClient(s["producer"]) for _ in range(CLIENTS)]
    daphne = stack.daphne(leaving)

    async def scenario():
        runs = [asyncio.create_task(c.run([leaving, staying], RECORDS)) for c in clients]
        await asyncio.wait_for(asyncio.gather(*(c.connected.wait() for c in clients)), 20)
        values = [{"n": i} for i in range(RECORDS)]
        producing = asyncio.create_task(
            asyncio.to_thread(stack.produce, s["topic"], values, per_second=400)
        )
        await asyncio.to_thread(
            wait_for, lambda: all(len(c.ids) >= 50 for c in clients), 30, "the first records"
        )
        daphne.process.send_signal(how)  # as a deploy or Ctrl-C would
        await producing
        _, pending = await asyncio.wait(runs, timeout=60)
        assert not pending, [(c.codes, len(c.ids)) for c in clients]

    asyncio.run(scenario())
    wait_for(lambda: not daphne.running(), 10, "the stopped daphne to exit")
    for client in clients:
        assert client.codes == [1001]
        assert sorted(client.ids) == sorted(set(client.ids)) and len(client.ids) == RECORDS


def test_a_stopping_process_takes_no_new_connection_while_it_says_goodbye(stack, owner):
    """Clients told 1001 reconnect at once: the stopping process must have stopped
    listening, or they come back to it and see 1006 when it exits."""
    s = build_stream(owner, batch_size=20)
    (host,) = stack.webs(1)
    daphne = stack.daphne(host)
    # A client that completes its handshake, then never reads again: it never answers the
    # close frame, so the process stays in its goodbye until the closing handshake times out.
    silent = _handshake(host, s["producer"])
    assert silent.recv(4096).startswith(b"HTTP/1.1 101")
    try:
        daphne.process.send_signal(signal.SIGTERM)
        silent.settimeout(5)
        assert b"\x88" in silent.recv(4096)  # the 1001 close frame: the goodbye has begun
        answered = _answered(host, s["producer"])
        assert daphne.running(), "the process ended before the check: nothing was shown"
        assert not answered, "a stopping process still answered a handshake"
    finally:
        silent.close()
    wait_for(lambda: not daphne.running(), 10, "the stopped daphne to exit")


def _handshake(host: str, producer) -> socket.socket:
    """A WebSocket handshake sent by hand (the client libraries answer close frames)."""
    sock = socket.create_connection(("127.0.0.1", port_of(host)), timeout=5)
    sock.sendall(
        f"GET {urlsplit(ws_url(host, producer)).path} HTTP/1.1\r\nHost: {host}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
        f"Authorization: Bearer {producer.ingestion_secret}\r\n\r\n".encode()
    )
    return sock


def _answered(host: str, producer) -> bool:
    """Whether a new handshake gets any answer. The kernel may still complete a TCP
    connect on a port being closed; the connection is reset then, unanswered (a proxy
    moves on to the next process)."""
    try:
        with _handshake(host, producer) as sock:
            sock.settimeout(2)
            return bool(sock.recv(4096))
    except OSError:
        return False
