"""A minimal WebSocket client: print a producer's frames, one per line.

    python -m producer.tail ws://HOST/ws/producers/<ingestion_id>/ --secret-file FILE

The secret is read from a file or FLOWCAST_SECRET so it never shows in a shell history.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from websockets.sync.client import connect


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--secret-file", type=Path)
    parser.add_argument("--since", help="Resume after these ids, e.g. 0-41,1-17")
    parser.add_argument("--count", type=int, default=0, help="Stop after this many frames.")
    args = parser.parse_args(argv)
    secret = (
        args.secret_file.read_text().strip()
        if args.secret_file
        else os.environ.get("FLOWCAST_SECRET")
    )
    if not secret:
        parser.error("give --secret-file or set FLOWCAST_SECRET")
    url = f"{args.url}?since={args.since}" if args.since else args.url
    with connect(
        url, additional_headers={"Authorization": f"Bearer {secret}"}, max_size=2**20
    ) as ws:
        for n, frame in enumerate(ws, start=1):
            print(frame, flush=True)
            if args.count and n >= args.count:
                break
    return 0


if __name__ == "__main__":
    sys.exit(main())
