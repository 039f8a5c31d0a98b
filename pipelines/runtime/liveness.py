"""A worker's liveness file: touched while its loop turns, read by Kubernetes' exec probe.

The Redis heartbeat (pipelines.runtime.heartbeats) cannot serve as a probe: during a Redis outage
every worker would be restarted while it rightly waits for Redis. So a runner also touches
a local file on every heartbeat and every back-off wait (pipelines.runtime.runner), and
`python -m pipelines.runtime.liveness --max-age 60` exits 0 only when that file is fresh: a
worker whose loop is stuck (a hung call, a deadlock) stops touching it and is restarted.
No Django here: the probe starts a bare interpreter every few seconds.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time

from config.env import env_str

ENV = "FLOWCAST_HEARTBEAT_FILE"  # unset: no file (the supervisor watches its children itself)

log = logging.getLogger(__name__)


def configured_path() -> str | None:
    return env_str(ENV) or None


def beat(path: str) -> None:
    """Mark the worker alive now."""
    try:
        with open(path, "a"):
            os.utime(path)
    except OSError as exc:  # the probe will say so; the stream must go on
        log.warning("Could not touch the liveness file %s: %s", path, exc)


def age(path: str) -> float | None:
    """Seconds since the last beat, or None when there was none."""
    try:
        return max(time.time() - os.stat(path).st_mtime, 0.0)
    except FileNotFoundError:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Exit 0 when the worker's loop beat lately.")
    parser.add_argument("--max-age", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument("--file", default=configured_path(), help=f"default: ${ENV}")
    options = parser.parse_args(argv)
    if not options.file:
        print(f"No liveness file: set {ENV} or pass --file.", file=sys.stderr)
        return 2
    seconds = age(options.file)
    if seconds is None:
        print(f"No beat yet ({options.file} does not exist).", file=sys.stderr)
        return 1
    if seconds > options.max_age:
        print(f"Last beat {seconds:.0f} s ago (more than {options.max_age:g} s).", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
