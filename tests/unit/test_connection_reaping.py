"""daphne's once-a-second reaping visits only the connections that ended (producer.web).

Pure bookkeeping around asyncio futures: no socket is needed to see which connections are
forgotten, which applications are cancelled and which errors are reported.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from producer.web import FlowcastServer


class Protocol:
    def __init__(self):
        self.errors: list[BaseException] = []

    def handle_exception(self, exception):
        self.errors.append(exception)


@pytest.fixture
def server(monkeypatch):
    from twisted.internet import reactor

    server = FlowcastServer(None, endpoints=["tcp:port=0"], application_close_timeout=10)
    server.connections = {}  # as run() sets it
    server.rechecks = []
    monkeypatch.setattr(reactor, "callLater", lambda *args: server.rechecks.append(args))
    return server


@pytest.fixture
def aloop():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield loop
    asyncio.set_event_loop(None)
    loop.close()


def connect(server, loop, *, done=False, exception=None) -> Protocol:
    protocol = Protocol()
    application = loop.create_future()
    if exception is not None:
        application.set_exception(exception)
    elif done:
        application.set_result(None)
    server.connections[protocol] = {"application_instance": application}
    return protocol


def test_open_connections_are_not_visited_and_ended_ones_are_forgotten(server, aloop):
    open_ones = [connect(server, aloop) for _ in range(3)]
    gone = connect(server, aloop, done=True)
    server.protocol_disconnected(gone)

    server.application_checker()

    assert set(server.connections) == set(open_ones)
    assert server.ended == set()
    assert len(server.rechecks) == 1  # and it runs again a second later


def test_an_application_still_closing_is_looked_at_again_then_cancelled(server, aloop):
    closing = connect(server, aloop)
    server.protocol_disconnected(closing)

    server.application_checker()
    assert closing in server.connections and closing in server.ended

    server.connections[closing]["disconnected"] = time.time() - 11  # past the close timeout
    server.application_checker()
    assert server.connections[closing]["application_instance"].cancelled()

    server.application_checker()  # its task is done now: forgotten
    assert closing not in server.connections and server.ended == set()


def test_an_application_that_failed_on_an_open_connection_is_reported_to_it(server, aloop, caplog):
    failing = connect(server, aloop, exception=RuntimeError("boom"))
    server.ended.add(failing)  # as its done-callback does

    server.application_checker()

    assert [str(e) for e in failing.errors] == ["boom"]
    assert "application_instance" not in server.connections[failing]  # the socket stays
    assert "Exception inside application: boom" in caplog.text


def test_an_application_that_ends_marks_its_connection_in_the_set_of_the_moment(server, aloop):
    finish = aloop.create_future()

    async def application(scope, receive, send):
        await finish

    server.application = application
    protocol = Protocol()
    server.connections[protocol] = {}
    server.create_application(protocol, {"type": "http"})
    server.application_checker()  # swaps the set; the callback must not keep the old one
    finish.set_result(None)
    aloop.run_until_complete(server.connections[protocol]["application_instance"])
    aloop.run_until_complete(asyncio.sleep(0))  # done-callbacks run on the next turn
    assert server.ended == {protocol}
