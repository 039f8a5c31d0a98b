"""Real WebSocket clients (the `websockets` library) for the integration tests."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

import orjson
from websockets.asyncio.client import ClientConnection, connect


def ws_url(host: str, producer, query: str = "") -> str:
    return f"ws://{host}/ws/producers/{producer.ingestion_id}/{query}"


def bearer(producer) -> dict:
    return {"Authorization": f"Bearer {producer.ingestion_secret}"}


@dataclass
class Client:
    frames: list[str] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    positions: list[dict] = field(default_factory=list)  # where the server placed the client
    close_code: int | None = None

    def take(self, frame: str, frame_format: str) -> None:
        if frame.startswith('{"type":"position"'):
            self.positions.append(orjson.loads(frame))
            return
        self.frames.append(frame)
        if frame_format == "batch":
            self.records.extend(orjson.loads(frame))
        elif frame_format == "envelope":
            self.records.append(orjson.loads(frame))
        elif frame_format == "columns":
            self.records.extend(columns_records(orjson.loads(frame)))


def columns_records(frame: dict) -> list[dict]:
    """A columns frame as the envelopes it stands for (DESIGN §6)."""
    p = frame["partition"]
    return [
        {
            "id": f"{p}-{o}",
            "topic": frame["topic"],
            "partition": p,
            "offset": o,
            "timestamp": t,
            "key": k,
            "value": v,
        }
        for o, t, k, v in zip(
            frame["offsets"], frame["timestamps"], frame["keys"], frame["values"], strict=True
        )
    ]


async def open_clients(url: str, headers: dict, count: int, **options) -> list[ClientConnection]:
    return await asyncio.gather(
        *(connect(url, additional_headers=headers, max_size=2**21, **options) for _ in range(count))
    )


async def read_until(
    ws: ClientConnection, client: Client, frame_format: str, want: int, timeout: float
) -> Client:
    """Read frames until `want` records (or frames, for raw) arrived or the socket closed."""

    async def loop():
        async for frame in ws:
            client.take(frame, frame_format)
            got = len(client.frames) if frame_format == "raw" else len(client.records)
            if got >= want:
                return

    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(loop(), timeout)
    client.close_code = ws.close_code
    return client


async def gather_records(
    sockets: list[ClientConnection], frame_format: str, want: int, timeout: float
) -> list[Client]:
    return await asyncio.gather(
        *(read_until(ws, Client(), frame_format, want, timeout) for ws in sockets)
    )


def post_json(
    url: str, body, headers: dict | None = None, raw: bytes | None = None
) -> tuple[int, dict]:
    """POST with the standard library; returns (status, parsed JSON body)."""
    import urllib.error
    import urllib.request

    data = raw if raw is not None else orjson.dumps(body)
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, orjson.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, orjson.loads(exc.read() or b"{}")
