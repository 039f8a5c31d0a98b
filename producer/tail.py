"""A minimal WebSocket client: print a producer's frames, one per line.

    python -m producer.tail ws://HOST/ws/producers/<ingestion_id>/ --secret-file FILE

The secret is read from a file or FLOWCAST_SECRET so it never shows in a shell history.
It follows the close codes of DESIGN §6: after 1001, 1013, 4001 or a lost connection it
reconnects with `since` (the last id it printed per partition), after 4002 without it, and
it stops on 4500-4999.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from config.env import env_str

PAUSE = 2.0  # seconds before reconnecting after anything but an Update Pipeline close

RESUME, RESTART, RESUME_NOW, STOP = "resume", "restart", "resume now", "stop"


def after_close(code: int) -> str:
    """What to do once the server closed with `code` (1006: the connection was lost)."""
    if 4500 <= code <= 4999:  # secret regenerated, pipeline deactivated, producer removed
        return STOP
    if code == 4002:  # stream replaced by Update Pipeline: its ids mean nothing now
        return RESTART
    if code == 4001:  # stream reconfigured by Update Pipeline: same records, new framing
        return RESUME_NOW
    return RESUME


def remember(last: dict[int, str], frame: str | bytes) -> None:
    """Notes the id of each record in an envelope, batch or columns frame (raw frames carry
    none), and the server's position notice for partitions without a record yet."""
    try:
        data = json.loads(frame)
    except ValueError:
        return
    if isinstance(data, dict) and data.get("type") == "position":
        # Where the client stands in every partition, also one it has no record of yet: a
        # reconnect then misses nothing produced meanwhile in a quiet partition.
        for partition, id_ in parse_since(str(data.get("since", ""))).items():
            last.setdefault(partition, id_)
        return
    if isinstance(data, dict) and isinstance(data.get("offsets"), list) and data["offsets"]:
        last[data["partition"]] = f"{data['partition']}-{data['offsets'][-1]}"
        return
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, dict) and isinstance(item.get("partition"), int) and "id" in item:
            last[item["partition"]] = str(item["id"])


def since_of(last: dict[int, str]) -> str:
    return ",".join(last[p] for p in sorted(last))


def parse_since(since: str) -> dict[int, str]:
    return {int(part.split("-", 1)[0]): part for part in since.split(",") if part}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--secret-file", type=Path)
    parser.add_argument("--since", help="Resume after these ids, e.g. 0-41,1-17")
    parser.add_argument("--count", type=int, default=0, help="Stop after this many frames.")
    args = parser.parse_args(argv)
    secret = (
        args.secret_file.read_text().strip() if args.secret_file else env_str("FLOWCAST_SECRET")
    )
    if not secret:
        parser.error("give --secret-file or set FLOWCAST_SECRET")
    headers = {"Authorization": f"Bearer {secret}"}
    last = parse_since(args.since or "")
    printed = 0
    while True:
        since = since_of(last)
        url = f"{args.url}?since={since}" if since else args.url
        pause = PAUSE
        try:
            with connect(url, additional_headers=headers, max_size=2**20) as ws:
                for frame in ws:
                    print(frame, flush=True)
                    remember(last, frame)
                    printed += 1
                    if args.count and printed >= args.count:
                        return 0
            code, reason = ws.close_code or 1006, ws.close_reason or ""
        except ConnectionClosed as closed:
            code, reason = (closed.rcvd.code, closed.rcvd.reason) if closed.rcvd else (1006, "")
        except InvalidStatus as refused:
            status = refused.response.status_code
            if status != 429:  # 403: wrong secret, or the pipeline is not active
                print(f"refused: HTTP {status}", file=sys.stderr)
                return 1
            code, reason = 1013, "too many handshakes"
            pause = float(refused.response.headers.get("Retry-After", PAUSE))
        except OSError as error:
            code, reason = 1006, str(error)
        action = after_close(code)
        print(f"closed: {reason or 'no reason'} ({code}); {action}", file=sys.stderr)
        if action == STOP:
            return 1
        if action == RESTART:
            last.clear()
        if action in (RESTART, RESUME_NOW):
            continue
        time.sleep(pause)


if __name__ == "__main__":
    sys.exit(main())
