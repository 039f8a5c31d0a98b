"""Real processes for tests: daphne, workers and a way to build deployed streams.

The test process and its children share the embedded broker, Redis and the test
database file, so what a test writes through the services is what the workers run.
The `stack` and `owner` fixtures in tests/conftest.py hand these out (`module_stack` and
`module_owner` to a module that builds its stream once; `shared_web` is a daphne for all).
"""

from __future__ import annotations

import math
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson
from confluent_kafka import Producer

from pipelines import services
from pipelines.dev.embedded import find_free_port
from pipelines.models import Component, Pipeline
from pipelines.runtime import heartbeats, kafka
from pipelines.runtime.deployed_versions import DeployedComponent, Topic
from pipelines.runtime.processes import KEEPALIVE, Child, daphne_command, manage_command
from pipelines.runtime.runner import TEST_DELAY_ENV


def assert_rest_of_window(seconds: int, period: int, started: float) -> None:
    """A refusal's retry-after is the rest of a window of `period` seconds that opened after
    `started` (time.monotonic()): at least the period minus the time since, rounded up."""
    assert math.ceil(period - (time.monotonic() - started)) <= seconds <= period, seconds


def wait_for(condition: Callable[[], object], timeout: float = 30.0, what: str = "condition"):
    """Poll until condition() is truthy; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


@dataclass
class Stack:
    bootstrap: str
    redis_url: str
    env: dict
    children: list[Child] = field(default_factory=list)

    def stop(self) -> None:
        """Stops every process the stack started, the newest first."""
        for child in reversed(self.children):
            child.stop(grace=10)

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> Child:
        child = Child(name, argv, {**self.env, **(env or {})}).start()
        self.children.append(child)
        return child

    def web(
        self,
        port: int | None = None,
        env: dict[str, str] | None = None,
        ping: tuple[int, int] = KEEPALIVE,
    ) -> str:
        """A real daphne process; returns its host:port once it accepts connections.

        Pass the port of a stopped one to restart "the same server" (see stop_web); `env`
        adds to the stack's environment (settings such as FLOWCAST_SLOW_CLIENT_GRACE);
        `ping` is daphne's keepalive (interval, timeout) in seconds.
        """
        return self._await_web(self._launch_web(port, env, ping))

    def webs(self, count: int, env: dict[str, str] | None = None) -> list[str]:
        """`count` daphne processes started at once (their start-ups overlap); their hosts."""
        children = [self._launch_web(None, env) for _ in range(count)]
        return [self._await_web(child) for child in children]

    def serve(
        self,
        stream: dict,
        env: dict[str, str] | None = None,
        ping: tuple[int, int] = KEEPALIVE,
        *,
        on: str | None = None,
    ) -> str:
        """A daphne and the workers of a build_stream() stream, started at once: Python's
        start-ups and the consumer-group joins overlap instead of queueing. Returns the
        daphne's host:port once it accepts connections and every worker owns its partitions.
        `on`: the host:port of a running daphne to use instead (the shared_web fixture)."""
        web = None if on else self._launch_web(None, env, ping)
        components = [stream["producer"]]
        if stream["reader"].type != "api_ingestion":  # API Ingestion runs in daphne
            components.append(stream["reader"])
        for component in components:
            self._launch_worker(component)
        host = self._await_web(web) if web else on
        for component in components:
            wait_assigned(component)
        return host

    def _launch_web(
        self, port: int | None, env: dict[str, str] | None, ping: tuple[int, int] = KEEPALIVE
    ) -> Child:
        port = port or find_free_port()
        return self.start(f"daphne:{port}", daphne_command("127.0.0.1", port, ping=ping), env)

    def _await_web(self, child: Child) -> str:
        port = port_of(child.name)
        wait_for(lambda: _port_open(port) or not child.running(), 30, f"daphne on {port}")
        assert child.running(), "daphne exited at start"
        return f"127.0.0.1:{port}"

    def daphne(self, host: str) -> Child:
        """The running daphne serving host:port."""
        return next(c for c in self.children if c.name == f"daphne:{port_of(host)}" and c.running())

    def stop_web(self, host: str) -> int:
        """Stops the daphne serving host:port, as a deploy or a crash would; returns its port."""
        port = port_of(host)
        for child in self.children:
            if child.name == f"daphne:{port}" and child.running():
                child.stop(grace=10)
        wait_for(lambda: not _port_open(port), 15, f"port {port} to close")
        return port

    def worker(self, component: Component) -> Child:
        """`run_component` for a deployed component, returned once it owns its partitions."""
        child = self._launch_worker(component)
        wait_assigned(component)
        return child

    def workers(self, *components: Component) -> list[Child]:
        """`run_component` for each component, started at once; returned once each owns its
        partitions."""
        children = [self._launch_worker(component) for component in components]
        for component in components:
            wait_assigned(component)
        return children

    def _launch_worker(self, component: Component) -> Child:
        component.refresh_from_db()
        argv = manage_command("run_component", str(component.guid))
        return self.start(f"worker {component.name}", argv)

    def produce(
        self,
        topic: str,
        values: list,
        *,
        key: Callable[[int], bytes | None] | None = None,
        per_second: float | None = None,
    ) -> None:
        """Write values (JSON unless bytes), paced in chunks of 50 when per_second is set."""
        producer = Producer({"bootstrap.servers": self.bootstrap, "linger.ms": 5})
        for i, value in enumerate(values):
            raw = value if isinstance(value, bytes) else orjson.dumps(value)
            while True:
                try:
                    producer.produce(topic, value=raw, key=key(i) if key else str(i % 7).encode())
                    break
                except BufferError:  # the local queue is full: let deliveries drain
                    producer.poll(0.1)
            if per_second and i % 50 == 49:
                producer.flush(5)
                time.sleep(50 / per_second)
        assert producer.flush(15) == 0


def wait_assigned(component: Component, count: int = 1, timeout: float = 40.0) -> list[dict]:
    def ready():
        reports = heartbeats.read(str(component.guid))
        return reports if sum(1 for r in reports if r.get("assigned")) >= count else None

    return wait_for(ready, timeout, f"{component.name} to be assigned its partitions")


def port_of(host: str) -> int:
    """The port of "host:port" (or of a daphne child's name, "daphne:port")."""
    return int(host.rsplit(":", 1)[1])


def _port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


def build_stream(
    owner,
    *,
    source: str = "kafka",
    topic: str | None = None,
    frame_format: str = "envelope",
    batch_size: int = 100,
    failover: bool = False,
    record_format: str = "json",
) -> dict:
    """Kafka Consumer (or API Ingestion) → Kafka Event → WebSocket Producer, deployed and active."""
    pipeline = services.create_pipeline(owner, name=unique("Stream"))
    topic = topic or unique("src")
    if source == "kafka":
        kafka.ensure_topics([Topic(topic, 3, 24, "shared")])
        meta = {"topic": topic, "offset_reset": "earliest", "record_format": record_format}
        reader = services.create_component(
            pipeline, type="kafka_consumer", name="Source", config={"meta": meta}
        )
    else:
        reader = services.create_component(pipeline, type="api_ingestion", name="Source")
    event = services.create_event(pipeline, name="Records", partitions=3)
    basic = {"batch_size": batch_size}
    dead = None
    if failover:
        dead = services.create_event(pipeline, name="Dead letters", kind="failover", partitions=1)
        basic["failover_event"] = dead.pk
    producer = services.create_component(
        pipeline,
        type="websocket_producer",
        name="Feed",
        config={"basic": basic, "meta": {"frame_format": frame_format}},
    )
    services.connect(pipeline, event=event, component=reader, direction="output")
    services.connect(pipeline, event=event, component=producer, direction="input")
    services.deploy(pipeline, user=owner)
    services.set_active(Pipeline.objects.get(pk=pipeline.pk), True)
    reader.refresh_from_db()
    producer.refresh_from_db()
    return {
        "pipeline": pipeline,
        "reader": reader,
        "event": event,
        "producer": producer,
        "topic": topic,
        "dead": dead,
    }


def deployed_producer(*, version: int = 1, config: dict | None = None) -> DeployedComponent:
    """A WebSocket Producer as a runner sees it, with no topics: for runner unit tests."""
    return DeployedComponent(
        guid=str(uuid.uuid4()),
        type="websocket_producer",
        name="Feed",
        component_id=1,
        pipeline_id=1,
        version=version,
        ingestion_id=unique("ing"),
        config=config or {},
        inputs=(),
        outputs=(),
        failover=None,
        source_format="json",
    )


# Intelligent Scaling that decides within seconds, for tests that watch it (child env).
FAST_SCALING = {
    "FLOWCAST_SCALE_INTERVAL": "1",
    "FLOWCAST_SCALE_UP_AFTER": "1",
    "FLOWCAST_SCALE_DOWN_AFTER": "4",
    "FLOWCAST_SCALE_COOLDOWN": "3",
    TEST_DELAY_ENV: "0.05",  # batches of 20: at most ~400 records/s per instance
}


def scaled_feed(owner, name: str, resources: dict) -> tuple[Pipeline, Component]:
    """API Ingestion → event (3 partitions) → a WebSocket Producer with Intelligent Scaling,
    deployed and active."""
    pipeline = services.create_pipeline(owner, name=name)
    reader = services.create_component(pipeline, type="api_ingestion", name="In")
    event = services.create_event(pipeline, name=name, partitions=3)
    feed = services.create_component(
        pipeline,
        type="websocket_producer",
        name="Feed",
        config={"basic": {"intelligent_scaling": True}, "resources": resources},
    )
    services.connect(pipeline, event=event, component=reader, direction="output")
    services.connect(pipeline, event=event, component=feed, direction="input")
    services.deploy(pipeline)
    services.set_active(pipeline, True)
    feed.refresh_from_db()
    return pipeline, feed
