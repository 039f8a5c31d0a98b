"""The WebSocket Producer component type: an input event streamed to WebSocket clients."""

from __future__ import annotations

from django import forms

from pipelines.rules.graph import Wiring
from pipelines.types import registry
from pipelines.types.tabs import BasicForm, MetaForm, ResourcesForm

FRAME_FORMATS = [
    ("envelope", "Envelope (one JSON object per record)"),
    ("batch", "Batch (one JSON array per batch)"),
    ("columns", "Columns (one JSON object per partition run: offsets, keys, values)"),
    ("raw", "Raw (the record value as is)"),
]


class ProducerBasicForm(BasicForm):
    invocation_type = forms.ChoiceField(
        label="Invocation Type",
        choices=[("real_time", "Real-Time")],
        initial="real_time",
        error_messages={
            "invalid_choice": "A WebSocket Producer streams live: its Invocation Type can only "
            "be Real-Time, not %(value)s."
        },
    )


class ProducerMetaForm(MetaForm):
    frame_format = forms.ChoiceField(
        label="Frame Format",
        choices=FRAME_FORMATS,
        initial="envelope",
        help_text=(
            "How records are framed on the socket. Columns carries the most records/s to "
            "clients that parse every record; envelope is the simplest to read."
        ),
    )


WEBSOCKET_PRODUCER = registry.register(
    registry.ComponentType(
        key="websocket_producer",
        label="WebSocket Producer",
        group="producers",
        description="Streams the records of its input event to every connected WebSocket client.",
        tabs=(
            registry.Tab("basic", "Basic Information", ProducerBasicForm),
            registry.Tab("meta", "Meta Information", ProducerMetaForm),
            registry.Tab("resources", "Resource Configuration", ResourcesForm),
        ),
        wiring=Wiring(min_inputs=1, max_inputs=1, min_outputs=0, max_outputs=0),
        runner="producer.runner.ProducerRunner",
        endpoint=("ws", "/ws/producers/{}/"),
        connection_checks=("kafka", "input_topic", "failover_topic", "channel_layer", "handshake"),
    )
)
