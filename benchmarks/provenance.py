"""Where a run was measured: the machine, its limits and the code (read-only git)."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import version
from pathlib import Path

import psutil


def machine() -> str:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    libs = ", ".join(
        f"{p} {version(p)}"
        for p in ("Django", "channels", "channels-redis", "daphne", "websockets", "confluent-kafka")
    )
    ram = psutil.virtual_memory().total / 2**30
    return (
        f"{os.cpu_count()} cores ({model}), {ram:.0f} GB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}; {libs}"
    )


def code_version() -> str:
    """The commit measured, and whether app code had uncommitted changes (read-only git)."""
    root = Path(__file__).resolve().parent.parent
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "config", "pipelines", "producer"],
            cwd=root,
            capture_output=True,
            text=True,
        ).stdout.split("\n")
    except OSError:
        return "unknown (no git)"
    changed = sorted({line[3:].strip() for line in dirty if line.strip()})
    return f"{sha}" + (f" + uncommitted changes in {', '.join(changed)}" if changed else "")


def port_range() -> str:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
    except (OSError, ValueError):
        return "ephemeral ports unknown"
    return f"ephemeral ports {low}-{high}"
