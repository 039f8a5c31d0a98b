"""A `manage.py` command run beside `make run` uses the broker and Redis it started.

`manage.py up` keeps their addresses in DATA_DIR/embedded/up.json while it runs. A command
started without KAFKA_BOOTSTRAP_SERVERS and REDIS_URL (a `shell` that revokes a grant, say)
takes them: otherwise its notices went to an in-memory channel layer nobody listens to, and
the open streams never heard of its change. Plain Python, read before Django's settings.
"""

from __future__ import annotations

import json
import os
from collections.abc import MutableMapping
from pathlib import Path

VARIABLES = ("KAFKA_BOOTSTRAP_SERVERS", "REDIS_URL")
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "var"  # as config.settings


def record_path(data_dir: Path) -> Path:
    return Path(data_dir) / "embedded" / "up.json"


def write(data_dir: Path, bootstrap_servers: str, redis_url: str) -> Path:
    path = record_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"pid": os.getpid(), "kafka": bootstrap_servers, "redis": redis_url}
    path.write_text(json.dumps(record))
    return path


def attach(argv: list[str], environ: MutableMapping[str, str]) -> str | None:
    """Point `environ` at a running `up`'s services; the line to tell the user, or None when
    the command is `up` itself, either address is already chosen, or no `up` runs."""
    if len(argv) < 2 or argv[1] == "up" or any(environ.get(v) for v in VARIABLES):
        return None
    data_dir = Path(environ.get("FLOWCAST_DATA_DIR") or DEFAULT_DATA_DIR)
    try:
        record = json.loads(record_path(data_dir).read_text())
        pid, kafka, redis = int(record["pid"]), record["kafka"], record["redis"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _runs_up(pid):  # left behind by a crash, its pid perhaps reused
        return None
    environ["KAFKA_BOOTSTRAP_SERVERS"], environ["REDIS_URL"] = kafka, redis
    return f"Using the services of `manage.py up` (pid {pid}): Kafka {kafka}, Redis {redis}"


def _runs_up(pid: int) -> bool:
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return any(a.endswith(b"manage.py") for a in args) and b"up" in args
