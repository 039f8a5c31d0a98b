"""The worker's publish: a group message in the channel layer's own form, and the credit
gate's look at the acks in the same round trip.

Through channels_redis (an event-loop turn, a lock and the async client per message) a
140 KB batch cost the worker ~170 us of CPU, and the gate's look another round trip (~80
us) whenever it asked, which in a burst is every batch. One pipeline on the sync client,
PUBLISH and the two HGETALLs, takes ~140 us for both. The web processes receive it through
the layer as before: same channel, same serializer.
"""

from __future__ import annotations

import redis
from channels.layers import BaseChannelLayer

from config.layers import group_channel
from producer.credit_gate import CreditGate


class StreamPublisher:
    def __init__(self, client: redis.Redis, layer: BaseChannelLayer, group: str, gate: CreditGate):
        self.client, self.layer, self.gate = client, layer, gate
        self.channel = group_channel(group)

    def batch(self, message: dict, size: int) -> None:
        """Publish a stream batch of `size` bytes; the gate learns the floor the reply
        carries, and counts the batch against its window. Only the publish failing raises
        (the caller retries it): a failed look at the acks must not publish it twice."""
        pipe = self.client.pipeline(transaction=False)
        pipe.publish(self.channel, self.layer.serialize(message))
        self.gate.ask(pipe)
        published, *acks = pipe.execute(raise_on_error=False)
        if isinstance(published, Exception):
            raise published
        if not any(isinstance(reply, Exception) for reply in acks):
            self.gate.answered(acks, message["seq"])
        self.gate.published(message["seq"], size)

    def notice(self, message: dict) -> None:
        """Publish anything else (progress): no look at the acks."""
        self.client.publish(self.channel, self.layer.serialize(message))
