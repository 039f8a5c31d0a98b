"""The production layout (DESIGN §8): two web processes behind nginx terminating TLS, run with
deploy/nginx/flowcast.conf, the configuration the README shows. Clients on wss:// are spread
over both processes; one crashes, then both restart in turn, and every client ends with every
record once."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import http.client
import ipaddress
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from rest_framework.authtoken.models import Token
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from pipelines import redis_keys
from pipelines.dev.embedded import find_free_port
from pipelines.models import AuditEntry
from pipelines.monitoring import clients
from pipelines.runtime.processes import Child
from tests.integration.clients import bearer
from tests.integration.loopback import new_address
from tests.runtime import Stack, build_stream, wait_for

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx" / "flowcast.conf"
PROXIED = {"FLOWCAST_BEHIND_TLS_PROXY": "true"}
CLIENTS = 20
RATE = 150  # records per second, produced while the web processes come and go
CHUNK = 75

# What nginx needs around the site's file to run as the test's child: in the foreground, on
# the test's own ports, with its pid, logs and buffers in the test's folder (nginx -p).
MAIN = """\
daemon off;
worker_processes 1;
pid nginx.pid;
error_log error.log notice;
{user}
events {{ worker_connections 1024; }}
http {{
    log_format upstream '$remote_addr "$request" $status $upstream_addr';
    access_log access.log upstream;
    client_body_temp_path body;
    proxy_temp_path proxy;
    fastcgi_temp_path fastcgi;
    uwsgi_temp_path uwsgi;
    scgi_temp_path scgi;
    include flowcast.conf;
}}
"""


@dataclass
class Layout:
    stream: dict
    webs: list[str]  # host:port of each web process
    front: str  # nginx's TLS host:port
    redirect: str  # nginx's plain-HTTP host:port
    tls: ssl.SSLContext  # trusts the test's certificate

    def ws_url(self, producer, query: str = "") -> str:
        return f"wss://{self.front}/ws/producers/{producer.ingestion_id}/{query}"


@pytest.fixture
def layout(stack, owner, tmp_path, settings) -> Layout:
    settings.BEHIND_TLS_PROXY = True  # daphne_command's --proxy-headers follows it
    stream = build_stream(owner, batch_size=20)
    webs = stack.webs(2, env=PROXIED)
    assert all("--proxy-headers" in c.argv for c in stack.children)
    certificate, key = self_signed(tmp_path)
    front, redirect = find_free_port(), find_free_port()
    site = SITE.read_text()
    for example, value in {
        "listen 443 ssl;": f"listen 127.0.0.1:{front} ssl;",
        "listen 80;": f"listen 127.0.0.1:{redirect};",
        "server 10.0.0.11:8000": f"server {webs[0]}",
        "server 10.0.0.12:8000": f"server {webs[1]}",
        "/etc/ssl/certs/flowcast.example.com.pem": str(certificate),
        "/etc/ssl/private/flowcast.example.com.key": str(key),
    }.items():
        assert site.count(example) == 1, f"{SITE.name} no longer has {example!r} once"
        site = site.replace(example, value)
    start_nginx(stack, tmp_path, site)
    tls = ssl.create_default_context(cafile=str(certificate))
    return Layout(stream, webs, f"127.0.0.1:{front}", f"127.0.0.1:{redirect}", tls)


def test_the_readme_shows_the_nginx_configuration_the_tests_run():
    readme = (ROOT / "README.md").read_text()
    assert f"```nginx\n{SITE.read_text()}```\n" in readme


def test_through_nginx_the_api_says_wss_and_sees_the_clients_own_address(layout, owner):
    producer = layout.stream["producer"]
    client_address = new_address()
    spoofed = {"X-Forwarded-Proto": "http", "X-Forwarded-For": "203.0.113.9"}
    headers = {"Authorization": f"Token {Token.objects.create(user=owner).key}", **spoofed}

    status, answer, body = https_get(
        layout, f"/api/components/{producer.pk}/", headers, client_address
    )
    assert status == 200, body
    assert orjson.loads(body)["endpoint"] == layout.ws_url(producer)
    assert answer["strict-transport-security"].startswith("max-age=")

    status, _, body = https_get(
        layout, f"/api/components/{producer.pk}/secret/", headers, client_address
    )
    assert status == 200, body
    revealed = AuditEntry.objects.filter(target_id=producer.pk).latest("at")
    assert revealed.address == client_address  # nginx's $remote_addr, through --proxy-headers

    plain = http.client.HTTPConnection("127.0.0.1", port_of(layout.redirect), timeout=10)
    plain.request("GET", "/api/")
    response = plain.getresponse()
    assert (response.status, response.getheader("Location")) == (301, "https://127.0.0.1/api/")
    plain.close()


def test_clients_through_nginx_survive_a_crash_and_a_rolling_restart(layout, stack):
    """kill -9 of one process: its clients (1006) resume on the other through nginx. Then a
    rolling restart, one process after the other: their clients see 1001, never 1006."""
    s = layout.stream
    producer = s["producer"]
    stack.workers(s["reader"], s["producer"])
    clients = [
        Subscriber(layout.ws_url(producer), bearer(producer), layout.tls) for _ in range(CLIENTS)
    ]
    first, second = layout.webs
    stop_producing = threading.Event()

    def produce_until_stopped() -> int:
        sent = 0
        while not stop_producing.is_set():
            stack.produce(s["topic"], [{"n": sent + i} for i in range(CHUNK)], per_second=RATE)
            sent += CHUNK
        return sent

    def on(host: str) -> int:
        return clients_of(stack, host, producer) or 0

    async def until(condition, what: str, timeout: float = 20) -> None:
        try:
            await asyncio.to_thread(wait_for, condition, timeout, what)
        except AssertionError as exc:
            seen = {(tuple(c.codes), len(set(c.ids)), *c.failures[-1:]) for c in clients}
            raise AssertionError(f"{exc}; clients (closes, records, failure): {seen}") from None

    async def scenario() -> tuple[tuple[int, int], int]:
        runs = [asyncio.create_task(c.run()) for c in clients]
        try:
            await until(lambda: on(first) + on(second) == CLIENTS, "both processes' clients")
            spread = on(first), on(second)
            producing = asyncio.create_task(asyncio.to_thread(produce_until_stopped))
            await until(lambda: all(len(c.ids) >= 50 for c in clients), "the first records", 30)

            crashed = daphne(stack, first)
            os.killpg(crashed.pid, signal.SIGKILL)
            await until(lambda: on(second) == CLIENTS, "the crashed process's clients to move")
            await asyncio.to_thread(stack.web, port_of(first), PROXIED)

            for stopping, staying in ((second, first), (first, second)):  # a rolling restart
                port = await asyncio.to_thread(stack.stop_web, stopping)  # SIGTERM
                await until(lambda h=staying: on(h) == CLIENTS, f"clients of :{port} to move")
                await asyncio.to_thread(stack.web, port, PROXIED)

            stop_producing.set()
            sent = await producing
            await until(lambda: all(len(set(c.ids)) >= sent for c in clients), "all records", 30)
            return spread, sent
        finally:
            stop_producing.set()
            for run in runs:
                run.cancel()
            await asyncio.gather(*runs, return_exceptions=True)

    spread, sent = asyncio.run(scenario())
    assert all(spread), f"nginx did not spread the clients: {spread} per process"
    crashed_clients = [c for c in clients if c.codes[:1] == [1006]]
    assert len(crashed_clients) == spread[0]
    for client in clients:
        assert client.failures == []  # every handshake found a live process through nginx
        assert client.codes == ([1006] if client in crashed_clients else []) + [1001, 1001]
        assert sorted(dict(zip(client.ids, client.values, strict=True)).values()) == list(
            range(sent)
        )
        assert len(client.ids) == len(set(client.ids)), "a resumed client got a record twice"


class Subscriber:
    """A client as the README's "Clients" table says: after a close it reconnects (through
    nginx, to whichever process is up) with `since`, its last id per partition."""

    def __init__(self, url: str, headers: dict, tls: ssl.SSLContext):
        self.url, self.headers, self.tls = url, headers, tls
        self.ids: list[str] = []
        self.values: list[int] = []  # the n of each record, as produced
        self.last: dict[int, int] = {}
        self.codes: list[int] = []  # how each session ended
        self.failures: list[str] = []  # handshakes that did not get through

    async def run(self) -> None:
        while True:
            since = ",".join(f"{p}-{o}" for p, o in sorted(self.last.items()))
            url = self.url + (f"?since={since}" if since else "")
            try:
                async with connect(
                    url, additional_headers=self.headers, ssl=self.tls, open_timeout=15
                ) as ws:
                    with contextlib.suppress(ConnectionClosed):
                        async for frame in ws:
                            self.take(orjson.loads(frame))
                    self.codes.append(ws.close_code)
            except (OSError, TimeoutError, InvalidHandshake) as exc:
                self.failures.append(f"{type(exc).__name__}: {exc}")
                await asyncio.sleep(0.2)  # the client's back-off before it tries again

    def take(self, record: dict) -> None:
        if "type" in record:  # a control message
            return
        self.ids.append(record["id"])
        self.values.append(record["value"]["n"])
        self.last[record["partition"]] = record["offset"]


def clients_of(stack: Stack, host: str, producer) -> int | None:
    """The producer's clients on the web process serving host, as it last reported them
    (pipelines.monitoring.clients); None when it is not running or has not said."""
    child = daphne(stack, host)
    if child is None:
        return None
    process = f"{socket.gethostname()}-{child.pid}"
    raw = redis_keys.client().hget(redis_keys.clients_key(producer.ingestion_id), process)
    if raw is None:
        return None
    at, count = orjson.loads(raw)
    return count if time.time() - at < clients.FRESH_SECONDS else None


def daphne(stack: Stack, host: str) -> Child | None:
    name = f"daphne:{port_of(host)}"
    return next((c for c in reversed(stack.children) if c.name == name and c.running()), None)


def port_of(host: str) -> int:
    return int(host.rsplit(":", 1)[1])


def https_get(
    layout: Layout, path: str, headers: dict, source: str
) -> tuple[int, dict[str, str], bytes]:
    hostname, port = layout.front.rsplit(":", 1)
    connection = http.client.HTTPSConnection(
        hostname, int(port), context=layout.tls, timeout=15, source_address=(source, 0)
    )
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        answer = {k.lower(): v for k, v in response.getheaders()}
        return response.status, answer, response.read()
    finally:
        connection.close()


def start_nginx(stack: Stack, folder: Path, site: str) -> Child:
    """nginx with the site's configuration, as the test's child; stopped with the stack."""
    binary = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
    if binary is None:
        pytest.fail("Debian's nginx is not installed (apt-get install nginx; .ci/run does)")
    (folder / "flowcast.conf").write_text(site)
    # As root, nginx runs its workers as nobody, who cannot enter the test's private folder.
    user = "user root;" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(MAIN.format(user=user))
    argv = [binary, "-p", f"{folder}/", "-c", str(folder / "nginx.conf"), "-e", "error.log"]
    check = subprocess.run([*argv, "-t"], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr
    child = stack.start("nginx", argv)
    ports = [int(p) for p in re.findall(r"listen 127\.0\.0\.1:(\d+)", site)]
    wait_for(lambda: all(port_open(p) for p in ports) or not child.running(), 15, "nginx to listen")
    assert child.running(), (folder / "error.log").read_text()
    return child


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, as PEM files in folder."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    certificate_path, key_path = folder / "flowcast.pem", folder / "flowcast.key"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return certificate_path, key_path
