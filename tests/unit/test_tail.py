"""`python -m producer.tail` follows the close codes of DESIGN §6."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from websockets.sync.server import ServerConnection, serve

from producer import tail


@pytest.mark.parametrize(
    ("code", "action"),
    [
        (1000, tail.RESUME),
        (1001, tail.RESUME),
        (1006, tail.RESUME),
        (1013, tail.RESUME),
        (4001, tail.RESUME_NOW),
        (4002, tail.RESTART),
        (4501, tail.STOP),
        (4502, tail.STOP),
        (4999, tail.STOP),
    ],
)
def test_tail_acts_on_each_close_code(code, action):
    assert tail.after_close(code) == action


def test_tail_remembers_the_last_id_per_partition_of_envelope_batch_and_columns_frames():
    last: dict[int, str] = {}
    tail.remember(last, json.dumps({"id": "0-4", "partition": 0, "offset": 4, "value": 1}))
    tail.remember(last, json.dumps([{"id": "2-7", "partition": 2}, {"id": "0-5", "partition": 0}]))
    tail.remember(last, json.dumps({"type": "gap", "missed": []}))
    tail.remember(last, "a raw text value")
    assert tail.since_of(last) == "0-5,2-7"
    columns = {"topic": "t", "partition": 1, "offsets": [8, 9], "timestamps": [1, 2]}
    tail.remember(last, json.dumps({**columns, "keys": [None, None], "values": [1, 2]}))
    assert tail.since_of(last) == "0-5,1-9,2-7"
    assert tail.parse_since("0-5,2-7") == {0: "0-5", 2: "2-7"}


def test_tail_takes_the_position_notice_for_partitions_it_has_no_record_of():
    last = {0: "0-5"}
    tail.remember(last, json.dumps({"type": "position", "since": "0-3,1--1,2-40"}))
    assert tail.since_of(last) == "0-5,1--1,2-40"  # its own id for 0; the quiet ones placed


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """Closes its 1st session with 4001, its 2nd with 4002, its 3rd with 4502."""
    paths: list[str] = []
    closes = iter([4001, 4002, 4502])

    def handler(ws: ServerConnection) -> None:
        paths.append(ws.request.path)
        n = len(paths)
        ws.send(json.dumps({"id": f"0-{n * 10}", "partition": 0, "offset": n * 10, "value": n}))
        ws.close(next(closes), "Update Pipeline")

    with serve(handler, "127.0.0.1", 0) as running:
        thread = threading.Thread(target=running.serve_forever, daemon=True)
        thread.start()
        yield f"ws://127.0.0.1:{running.socket.getsockname()[1]}/ws/producers/ing/", paths
        running.shutdown()


def test_tail_resumes_after_4001_restarts_after_4002_and_stops_on_4502(server, monkeypatch, capsys):
    url, paths = server
    monkeypatch.setenv("FLOWCAST_SECRET", "fcs_test")
    assert tail.main([url, "--since", "0-3"]) == 1
    assert paths == [
        "/ws/producers/ing/?since=0-3",
        "/ws/producers/ing/?since=0-10",  # 4001: with since, at once
        "/ws/producers/ing/",  # 4002: without since
    ]
    out = capsys.readouterr()
    assert [json.loads(line)["value"] for line in out.out.splitlines()] == [1, 2, 3]
    assert "(4502); stop" in out.err
