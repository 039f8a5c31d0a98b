"""The embedded broker and Redis: they answer, they carry data, and stop leaves nothing behind."""

from __future__ import annotations

import os
import socket
import sys
import time
import uuid
from collections.abc import Callable

import psutil
import pytest
import redis
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from pipelines.dev.embedded import (
    EmbeddedBroker,
    EmbeddedRedis,
    EmbeddedService,
    EmbeddedServiceError,
    embedded_stack,
)

pytestmark = pytest.mark.integration


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll `condition` until it holds or `timeout` s pass; return its last value."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return condition()
        time.sleep(0.02)
    return True


def running(pid: int) -> bool:
    """True if `pid` is a live process (a zombie awaiting its reaper counts as gone)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def group_members(pgid: int) -> list[int]:
    """Live processes whose process group is `pgid`."""
    members = []
    for proc in psutil.process_iter():
        try:
            if os.getpgid(proc.pid) == pgid and running(proc.pid):
                members.append(proc.pid)
        except (ProcessLookupError, psutil.NoSuchProcess):
            pass
    return members


def port_is_free(port: int) -> bool:
    """True if a server could listen on 127.0.0.1:`port` now (as servers do, SO_REUSEADDR)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        sock.listen()
        return True


def test_broker_creates_a_topic_and_round_trips_a_record(kafka_bootstrap: str) -> None:
    topic = f"embedded-{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": kafka_bootstrap})
    admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])[topic].result(10)
    assert wait_until(lambda: topic in admin.list_topics(timeout=5).topics)

    producer = Producer({"bootstrap.servers": kafka_bootstrap})
    producer.produce(topic, key=b"sensor-7", value=b'{"temp": 21.5}')
    assert producer.flush(10) == 0

    consumer = Consumer(
        {
            "bootstrap.servers": kafka_bootstrap,
            "group.id": f"test-{topic}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            # The broker answers a JoinGroup only after ~session.timeout.ms / 2.
            "session.timeout.ms": 6000,
        }
    )
    try:
        consumer.subscribe([topic])
        deadline = time.monotonic() + 30
        msg = None
        while msg is None and time.monotonic() < deadline:
            msg = consumer.poll(0.5)
        assert msg is not None, "no record consumed within 30 s"
        assert msg.error() is None
        assert (msg.key(), msg.value()) == (b"sensor-7", b'{"temp": 21.5}')
        consumer.commit(msg, asynchronous=False)
        [committed] = consumer.committed([TopicPartition(topic, 0)], timeout=10)
        assert committed.offset == msg.offset() + 1
    finally:
        consumer.close()


def test_redis_answers_ping_set_and_get(redis_url: str) -> None:
    with redis.Redis.from_url(redis_url) as client:
        assert client.ping() is True
        key = f"embedded-{uuid.uuid4().hex}"
        client.set(key, "hello", ex=60)
        assert client.get(key) == b"hello"


def test_stop_leaves_no_process_and_frees_the_port() -> None:
    for service in (EmbeddedBroker(), EmbeddedRedis()):
        with service:
            pid = service.process.pid
            assert os.getpgid(pid) == pid  # a session and process group of its own
            assert not port_is_free(service.port)
        assert not running(pid)
        assert wait_until(lambda pid=pid: not group_members(pid))
        assert port_is_free(service.port)
        assert not service.workdir.exists()


def test_embedded_stack_starts_only_what_the_env_does_not_give() -> None:
    given = {"KAFKA_BOOTSTRAP_SERVERS": "kafka.example:9092"}
    with embedded_stack(env=given) as endpoints:
        assert endpoints.bootstrap_servers == "kafka.example:9092"
        with redis.Redis.from_url(endpoints.redis_url) as client:
            assert client.ping() is True


def test_a_service_that_exits_at_once_raises_with_its_output() -> None:
    service = EmbeddedRedis(extra_args=["--no-such-option", "yes"])
    with pytest.raises(EmbeddedServiceError) as caught:
        service.start()
    message = str(caught.value)
    assert "embedded redis exited" in message
    assert "--no-such-option" in message  # the command
    assert "Bad directive" in message  # redis-server's own complaint
    assert service.process is None
    assert not service.workdir.exists()


class _ForkingSleeper(EmbeddedService):
    """A real child that starts a grandchild ignoring SIGTERM, then waits to be stopped."""

    name = "sleeper"
    script = (
        "import signal, subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', "
        "'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(600)'])\n"
        "print('grandchild', child.pid, flush=True)\n"
        "time.sleep(600)\n"
    )

    def command(self) -> list[str]:
        return [sys.executable, "-c", self.script]

    def probe(self) -> None:
        if "grandchild" not in self.log_path.read_text():
            raise RuntimeError("no grandchild yet")


def test_stop_kills_the_whole_process_group() -> None:
    with _ForkingSleeper() as service:
        pid = service.process.pid
        grandchild = int(service.log_path.read_text().split()[1])
        assert running(grandchild) and os.getpgid(grandchild) == pid
    assert not running(pid)
    assert wait_until(lambda: not running(grandchild))
    assert wait_until(lambda: not group_members(pid))


class _Mute(_ForkingSleeper):
    """Runs, but never answers its probe."""

    def probe(self) -> None:
        raise ConnectionRefusedError("nobody listens")


def test_a_service_that_never_answers_times_out_and_is_stopped() -> None:
    service = _Mute(ready_timeout=1)
    with pytest.raises(EmbeddedServiceError, match="sleeper did not answer in 1 s: nobody listens"):
        service.start()
    assert service.process is None
