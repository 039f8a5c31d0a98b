"""The container image (Dockerfile) runs every process kind against the test's broker, Redis
and database: as the Kubernetes manifests run it, a real WebSocket client gets records.

`make test-image` builds the image and runs these (FLOWCAST_TEST_IMAGE names it).
"""

from __future__ import annotations

import asyncio
import os
import socket
import urllib.error
import urllib.request
from pathlib import Path

import orjson
import pytest
from django.db import connection

from pipelines import k8s
from pipelines.dev.embedded import find_free_port
from pipelines.k8s.common import UID, config_map
from pipelines.k8s.web import web_deployment
from pipelines.k8s.workers import deployment as worker_deployment
from pipelines.runtime import deployed_versions, heartbeats
from tests.image.conftest import IMAGE_ENV
from tests.image.containers import podman, remove, run_argv, stop, ulimits, unique_name
from tests.integration.clients import bearer, gather_records, open_clients, ws_url
from tests.runtime import build_stream, wait_assigned, wait_for

pytestmark = pytest.mark.integration

IMAGE = os.environ.get(IMAGE_ENV, "")
HOST = "flowcast.test"  # the Ingress host of the manifests; the probes send it
RECORDS = 300
CLIENTS = 3


@pytest.fixture
def site(stack) -> k8s.Site:
    return k8s.Site(image=IMAGE, host=HOST, bootstrap=stack.bootstrap)


@pytest.fixture
def pod_env(stack, site, settings) -> tuple[dict[str, str], list[str]]:
    """What a pod's environment holds: the ConfigMap, and the Secret's values (here the
    test's own services); plus the volumes that reach a SQLite test database."""
    env = dict(config_map(site)["data"])
    env["ALLOWED_HOSTS"] += ",127.0.0.1"  # the test's clients come straight, not via Ingress
    env.update(
        SECRET_KEY=settings.SECRET_KEY,
        DATABASE_URL=stack.env["DATABASE_URL"],
        REDIS_URL=stack.redis_url,
        LOG_LEVEL="WARNING",
    )
    volumes = []
    if connection.vendor == "sqlite":
        database = Path(connection.settings_dict["NAME"])
        os.chown(database, UID, UID)  # the image's user writes it; root (the test) still can
        volumes.append(f"{database.parent}:{database.parent}")
    return env, volumes


def start(stack, kind: str, args: list[str], env: dict, volumes: list, **options):
    name = unique_name(kind)
    child = stack.start(name, run_argv(IMAGE, name, args, env, volumes=volumes, **options))
    return name, child


def http_get(port: int, probe: dict) -> tuple[int, dict]:
    get = probe["httpGet"]
    headers = {h["name"]: h["value"] for h in get.get("httpHeaders", [])}
    request = urllib.request.Request(f"http://127.0.0.1:{port}{get['path']}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=probe["timeoutSeconds"]) as response:
            return response.status, orjson.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, orjson.loads(exc.read() or b"{}")


def test_the_image_serves_a_stream_as_web_process_and_workers(stack, owner, site, pod_env):
    env, volumes = pod_env
    s = build_stream(owner, batch_size=50)

    # The web process exactly as the web Deployment runs it (command, probes), on a free port.
    web = web_deployment(site)["spec"]["template"]["spec"]["containers"][0]
    port = find_free_port()
    command = [*web["command"], "--host", "127.0.0.1"]
    command[command.index("--port") + 1] = str(port)
    web_name, web_child = start(stack, "web", command[1:], env, volumes, entrypoint=command[0])
    # Workers through the image's entrypoint (`python manage.py`), as documented, with the
    # liveness file the worker Deployment sets.
    workers = {}
    try:
        for component in (s["reader"], s["producer"]):
            spec = worker_deployment(site, deployed_versions.find(str(component.guid)), "w", 1)
            container = spec["spec"]["template"]["spec"]["containers"][0]
            pod = {**env, **{e["name"]: e["value"] for e in container["env"] if "value" in e}}
            args = ["run_component", str(component.guid)]
            workers[component.pk] = (*start(stack, "worker", args, pod, volumes), container)
        wait_for(lambda: listening(port) or not web_child.running(), 60, "the web container")
        assert web_child.running(), "the web container exited"
        for component in (s["reader"], s["producer"]):
            [report] = wait_assigned(component, timeout=60)
            assert report["instance"].startswith(workers[component.pk][0]), report["instance"]

        async def scenario():
            url = ws_url(f"127.0.0.1:{port}", s["producer"])
            sockets = await open_clients(url, bearer(s["producer"]), CLIENTS)
            await asyncio.to_thread(stack.produce, s["topic"], [{"n": i} for i in range(RECORDS)])
            clients = await gather_records(sockets, "envelope", RECORDS, 60)
            for ws in sockets:
                await ws.close()
            return clients

        for client in asyncio.run(scenario()):
            assert sorted(r["value"]["n"] for r in client.records) == list(range(RECORDS))

        # The probes of the manifests, against the running containers.
        for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
            status, body = http_get(port, web[kind])
            assert status == 200, (kind, body)
        assert http_get(port, web["readinessProbe"])[1]["status"] == "ready"
        for name, _child, container in workers.values():
            for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
                result = podman("exec", name, *container[kind]["exec"]["command"])
                assert result.returncode == 0, (name, kind, result.stderr)
        assert podman("exec", web_name, "id", "-u").stdout.strip() == str(UID)
    finally:
        for name, child, _ in workers.values():
            stop(child, name)
        web_code = stop(web_child, web_name)
    assert web_code == 0, "the web process did not stop cleanly on SIGTERM"


def test_the_image_runs_the_supervisor(stack, owner, pod_env):
    env, volumes = pod_env
    s = build_stream(owner)
    name, child = start(stack, "supervisor", ["run_pipelines", "--interval", "0.5"], env, volumes)
    try:
        for component in (s["reader"], s["producer"]):
            [report] = wait_assigned(component, timeout=60)
            assert report["instance"].startswith(name), report["instance"]
    finally:
        code = stop(child, name)
    assert code == 0, "run_pipelines did not stop cleanly on SIGTERM"
    wait_for(lambda: not heartbeats.read(str(s["producer"].guid)), 15, "the instances to stop")


def test_the_image_has_its_tag_as_container_image_version_and_no_compilers():
    name = unique_name("check")

    def run(*args: str):
        return podman("run", "--rm", "--name", name, *ulimits(), *args)

    try:
        code = "from pipelines.types.tabs import image_version; print(image_version())"
        shown = run(IMAGE, "shell", "-c", code)
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout.strip().splitlines()[-1] == IMAGE
        compilers = run("--entrypoint", "sh", IMAGE, "-c", "command -v cc gcc make")
        assert compilers.returncode != 0 and compilers.stdout == ""
        user = podman("image", "inspect", "--format", "{{.Config.User}}", IMAGE)
        assert user.stdout.strip() == f"{UID}:{UID}"
    finally:
        remove(name)


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False
