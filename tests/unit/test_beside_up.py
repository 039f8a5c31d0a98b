"""Which manage.py commands take the addresses of a running `manage.py up`."""

from __future__ import annotations

import json
import os

from pipelines.dev import beside_up


def _environ(tmp_path, **extra) -> dict[str, str]:
    return {"FLOWCAST_DATA_DIR": str(tmp_path), **extra}


def test_no_record_no_change(tmp_path):
    environ = _environ(tmp_path)
    assert beside_up.attach(["manage.py", "shell"], environ) is None
    assert environ == _environ(tmp_path)


def test_a_record_left_by_a_process_that_is_not_up_is_ignored(tmp_path):
    """A crash leaves the file behind, and its pid may be another process's by now: this
    test's own pid stands for that one."""
    beside_up.write(tmp_path, "127.0.0.1:1", "redis://127.0.0.1:2/0")
    assert json.loads(beside_up.record_path(tmp_path).read_text())["pid"] == os.getpid()
    environ = _environ(tmp_path)
    assert beside_up.attach(["manage.py", "shell"], environ) is None
    assert "REDIS_URL" not in environ


def test_up_itself_and_chosen_addresses_are_left_alone(tmp_path, monkeypatch):
    beside_up.write(tmp_path, "127.0.0.1:1", "redis://127.0.0.1:2/0")
    monkeypatch.setattr(beside_up, "_runs_up", lambda pid: True)
    assert beside_up.attach(["manage.py", "up"], _environ(tmp_path)) is None
    chosen = _environ(tmp_path, REDIS_URL="redis://elsewhere:6379/0")
    assert beside_up.attach(["manage.py", "shell"], chosen) is None
    assert "KAFKA_BOOTSTRAP_SERVERS" not in chosen  # not half of one and half of the other
    environ = _environ(tmp_path)
    note = beside_up.attach(["manage.py", "shell"], environ)
    assert environ["KAFKA_BOOTSTRAP_SERVERS"] == "127.0.0.1:1"
    assert environ["REDIS_URL"] == "redis://127.0.0.1:2/0"
    assert note is not None and "redis://127.0.0.1:2/0" in note


def test_a_damaged_record_is_ignored(tmp_path):
    path = beside_up.record_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    assert beside_up.attach(["manage.py", "shell"], _environ(tmp_path)) is None
