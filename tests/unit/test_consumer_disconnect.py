"""A client gone mid-batch must leave flow control, or the worker waits for it forever."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from autobahn.exception import Disconnected
from channels.exceptions import StopConsumer

from producer import credits
from producer.consumer import ProducerConsumer


class FakeLayer:
    def __init__(self):
        self.discarded: list[tuple[str, str]] = []

    async def group_discard(self, group: str, channel: str) -> None:
        self.discarded.append((group, channel))


def test_a_send_to_a_vanished_client_stops_the_consumer_and_leaves_flow_control():
    consumer = ProducerConsumer()
    consumer.grant = SimpleNamespace(ingestion_id="ing_x")
    consumer.channel_name, consumer.group = "chan-1", "wsp.ing_x"
    consumer.channel_layer = FakeLayer()
    credits.reporter.connections["chan-1"] = credits.Connection("ing_x", lambda: 0)

    async def vanished(event: dict) -> None:
        raise Disconnected("Attempt to send on a closed protocol")

    consumer.stream_batch = vanished
    with pytest.raises(StopConsumer):
        asyncio.run(consumer.dispatch({"type": "stream.batch"}))
    assert "chan-1" not in credits.reporter.connections
    assert consumer.channel_layer.discarded == [("wsp.ing_x", "chan-1")]
