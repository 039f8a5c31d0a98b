"""Containers of the image under test, run with podman as the test's children.

Debian's podman needs runc and the cgroupfs manager on these machines (crun and the
systemd manager fail), explicit ulimits (its defaults cannot be set here), and the host's
network, where the test's broker, Redis and database listen on loopback. Each container
runs as the image's user, with the root filesystem read-only, no capabilities and no
privilege escalation: what the Kubernetes manifests ask for.
"""

from __future__ import annotations

import contextlib
import resource
import subprocess
import uuid
from collections.abc import Sequence

from pipelines.runtime.processes import Child

PODMAN = ["podman", "--runtime", "runc", "--cgroup-manager", "cgroupfs"]
NPROC = 8192  # per user on the host: every thread of the image's user counts


def ulimits() -> list[str]:
    _, files = resource.getrlimit(resource.RLIMIT_NOFILE)  # a container cannot exceed it
    files = 65536 if files == resource.RLIM_INFINITY else min(files, 65536)
    return ["--ulimit", f"nofile={files}:{files}", "--ulimit", f"nproc={NPROC}:{NPROC}"]


def run_argv(
    image: str,
    name: str,
    args: list[str],
    env: dict[str, str],
    *,
    entrypoint: str | None = None,
    volumes: Sequence[str] = (),
) -> list[str]:
    argv = [*PODMAN, "run", "--rm", "--name", name, "--hostname", name, "--network", "host"]
    argv += [*ulimits(), "--read-only", "--cap-drop", "all"]
    argv += ["--security-opt", "no-new-privileges"]
    for key, value in env.items():
        argv += ["--env", f"{key}={value}"]
    for volume in volumes:
        argv += ["--volume", volume]
    if entrypoint:
        argv += ["--entrypoint", entrypoint]
    return [*argv, image, *args]


def unique_name(kind: str) -> str:
    return f"flowcast-test-{kind}-{uuid.uuid4().hex[:8]}"


def podman(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*PODMAN, *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def remove(name: str) -> None:
    """Make sure a container is gone, whatever became of its podman client."""
    with contextlib.suppress(subprocess.TimeoutExpired):
        podman("rm", "--force", "--time", "5", "--ignore", name, timeout=60)


def stop(child: Child, name: str) -> int | None:
    """SIGTERM through podman (it passes the signal on) and the container's exit code."""
    code = child.stop(grace=20)
    remove(name)
    return code
