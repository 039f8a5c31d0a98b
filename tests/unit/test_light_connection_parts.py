"""The per-connection parts made lighter for crowds of WebSocket clients (issue 19).

Which handshakes skip the session middleware (producer.auth, producer.routing) and the input queue
daphne hands each application (producer.web.InputQueue): pure logic, no sockets.
"""

from __future__ import annotations

import asyncio

import pytest

from producer.auth import presents_credential
from producer.web import InputQueue


def scope(headers=(), query=b""):
    return {"type": "websocket", "headers": list(headers), "query_string": query}


@pytest.mark.parametrize(
    ("headers", "query", "decides"),
    [
        ([(b"authorization", b"Bearer s3cret")], b"", True),
        ([(b"x-ingestion-secret", b"s3cret")], b"", True),
        ([(b"x-ingestion-secret", b"")], b"", True),  # refused by auth, no session needed
        ([], b"token=abc.def", True),
        ([], b"since=0-1&token=abc", True),
        # What auth would leave undecided must keep the session for a cookie login:
        ([(b"authorization", b"Basic dXNlcjpwdw==")], b"", False),
        ([], b"token=", False),
        ([], b"mytoken=abc", False),
        ([(b"cookie", b"sessionid=x"), (b"origin", b"http://h")], b"", False),
    ],
)
def test_only_a_secret_or_a_token_skips_the_session(headers, query, decides):
    assert presents_credential(scope(headers, query)) is decides


def test_the_input_queue_hands_messages_over_in_order_and_wakes_its_reader():
    async def scenario():
        queue = InputQueue()
        queue.put_nowait({"n": 1})
        assert await queue.get() == {"n": 1}
        reader = asyncio.ensure_future(queue.get())
        await asyncio.sleep(0)
        assert not reader.done()  # nothing queued: it waits
        queue.put_nowait({"n": 2})
        queue.put_nowait({"n": 3})
        assert await reader == {"n": 2}
        assert await queue.get() == {"n": 3}

    asyncio.run(scenario())


def test_a_cancelled_reader_leaves_nothing_behind():
    async def scenario():
        queue = InputQueue()
        reader = asyncio.ensure_future(queue.get())
        await asyncio.sleep(0)
        reader.cancel()
        await asyncio.gather(reader, return_exceptions=True)
        queue.put_nowait({"n": 1})  # no waiter left to wake, nothing lost
        assert await queue.get() == {"n": 1}

    asyncio.run(scenario())


def test_autobahn_options_are_held_once_per_factory_not_per_connection():
    from producer.web import FlowcastWebSocketFactory, FlowcastWebSocketProtocol

    def accept(offers):
        return None

    factory = FlowcastWebSocketFactory(None, server="daphne")
    factory.setProtocolOptions(autoPingInterval=7, perMessageCompressionAccept=accept)
    first, second = factory.buildProtocol(None), factory.buildProtocol(None)

    assert type(first) is type(second) and issubclass(type(first), FlowcastWebSocketProtocol)
    assert first.autoPingInterval == 7 and "autoPingInterval" not in vars(first)
    assert first.perMessageCompressionAccept is accept  # a function option stays as given
    other = FlowcastWebSocketFactory(None, server="daphne")
    other.setProtocolOptions(autoPingInterval=9)
    assert other.buildProtocol(None).autoPingInterval == 9 and first.autoPingInterval == 7


def test_a_credentialed_handshake_is_routed_in_place_to_its_consumer():
    from producer.consumer import ProducerConsumer
    from producer.routing import _route, websocket_urlpatterns

    routed = {
        "type": "websocket",
        "path": "/flowcast/ws/producers/abc-123/",
        "root_path": "/flowcast",
    }
    consumer = _route(websocket_urlpatterns, routed)
    assert isinstance(consumer, ProducerConsumer)
    assert routed["url_route"] == {"args": (), "kwargs": {"ingestion_id": "abc-123"}}

    for path in ("/ws/producers/", "/ws/other/abc/", "/elsewhere/ws/producers/abc/"):
        unrouted = {"type": "websocket", "path": path, "root_path": "/flowcast" * ("else" in path)}
        assert _route(websocket_urlpatterns, unrouted) is None
        assert "url_route" not in unrouted  # Channels' URLRouter answers these, as before
