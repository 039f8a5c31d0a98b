"""Connection Validation: live checks a component's type asks for, each timed.

A check returns a message on success and raises CheckFailed (or any error) on failure;
run_checks never raises, it reports.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from confluent_kafka.admin import AdminClient
from django.conf import settings

from pipelines.models import Component, Connection
from pipelines.types import registry
from pipelines.types.endpoints import component_endpoint

TIMEOUT = 5.0


class CheckFailed(Exception):
    pass


def _admin(bootstrap: str) -> AdminClient:
    if not bootstrap:
        raise CheckFailed("No Kafka cluster is configured (KAFKA_BOOTSTRAP_SERVERS is empty).")
    return AdminClient({"bootstrap.servers": bootstrap, "socket.timeout.ms": int(TIMEOUT * 1000)})


def _source_bootstrap(component: Component) -> str:
    meta = component.config.get("meta") or {}
    return meta.get("bootstrap_servers") or settings.KAFKA_BOOTSTRAP_SERVERS


def _topics_present(bootstrap: str, topics: list[str], what: str) -> str:
    if not topics:
        raise CheckFailed(f"No {what} is wired.")
    present = _admin(bootstrap).list_topics(timeout=TIMEOUT).topics
    missing = [t for t in topics if t not in present]
    if missing:
        raise CheckFailed(f"Missing {what}: {', '.join(missing)} (Update Pipeline creates it).")
    return f"{', '.join(topics)} present."


def _wired_topics(component: Component, direction: str) -> list[str]:
    rows = Connection.objects.filter(component=component, direction=direction).select_related(
        "event"
    )
    return [c.event.topic for c in rows]


def check_kafka(component: Component, request) -> str:
    bootstrap = settings.KAFKA_BOOTSTRAP_SERVERS
    metadata = _admin(bootstrap).list_topics(timeout=TIMEOUT)
    return f"{len(metadata.brokers)} broker(s) answered at {bootstrap}."


def check_source_topic(component: Component, request) -> str:
    topic = (component.config.get("meta") or {}).get("topic", "")
    return _topics_present(_source_bootstrap(component), [topic] if topic else [], "source topic")


def check_output_topics(component: Component, request) -> str:
    return _topics_present(
        settings.KAFKA_BOOTSTRAP_SERVERS, _wired_topics(component, "output"), "output event topic"
    )


def check_input_topic(component: Component, request) -> str:
    return _topics_present(
        settings.KAFKA_BOOTSTRAP_SERVERS, _wired_topics(component, "input"), "input event topic"
    )


def check_failover_topic(component: Component, request) -> str:
    event_id = (component.config.get("basic") or {}).get("failover_event")
    if event_id is None:
        return "No Failover Event is set; failed records are logged and counted."
    event = component.pipeline.events.filter(pk=event_id).first()
    if event is None:
        raise CheckFailed(f"Failover Event {event_id} no longer exists.")
    return _topics_present(settings.KAFKA_BOOTSTRAP_SERVERS, [event.topic], "failover topic")


def check_channel_layer(component: Component, request) -> str:
    layer = get_channel_layer()
    if layer is None:
        raise CheckFailed("No channel layer is configured.")
    return async_to_sync(_round_trip)(layer)


async def _round_trip(layer) -> str:
    import asyncio

    channel = await layer.new_channel()
    marker = uuid.uuid4().hex
    await layer.send(channel, {"type": "flowcast.ping", "marker": marker})
    message = await asyncio.wait_for(layer.receive(channel), TIMEOUT)
    if message.get("marker") != marker:
        raise CheckFailed("The channel layer returned a different message.")
    return f"Round trip through {type(layer).__name__}."


def check_handshake(component: Component, request) -> str:
    from websockets.sync.client import connect

    url = component_endpoint(component, request)
    headers = {"Authorization": f"Bearer {component.ingestion_secret}"}
    with connect(url, additional_headers=headers, open_timeout=TIMEOUT, close_timeout=1):
        pass
    return f"Handshake accepted at {url}."


CHECKS: dict[str, tuple[str, Callable[[Component, object], str]]] = {
    "kafka": ("Kafka reachable", check_kafka),
    "source_topic": ("Source topic present", check_source_topic),
    "output_topics": ("Output topics present", check_output_topics),
    "input_topic": ("Input topic present", check_input_topic),
    "failover_topic": ("Failover topic present", check_failover_topic),
    "channel_layer": ("Channel layer round trip", check_channel_layer),
    "handshake": ("WebSocket handshake", check_handshake),
}


def run_checks(component: Component, request=None) -> list[dict]:
    results = []
    for name in registry.get_type(component.type).connection_checks:
        label, check = CHECKS[name]
        started = time.perf_counter()
        try:
            ok, message = True, check(component, request)
        except Exception as exc:  # a failed check is a result, never a 500
            ok, message = False, str(exc) or type(exc).__name__
        duration = round((time.perf_counter() - started) * 1000, 1)
        results.append(
            {"name": name, "label": label, "ok": ok, "duration_ms": duration, "message": message}
        )
    return results
