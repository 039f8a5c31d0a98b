"""Whether a WebSocket handshake may go on: the abuse limits around the credential check.

Handshakes are counted per client address before anything else (every attempt, so a
client guessing credentials is slowed too), and per component once the credentials hold
(so anonymous floods cannot use up a component's budget and lock its clients out).
A refusal for rate is answered HTTP 429 with Retry-After before accept (DESIGN §6).
"""

from __future__ import annotations

import orjson

from pipelines.security import abuse_limits
from pipelines.security.abuse_limits import Refusal
from producer.auth import Grant, authorize
from producer.web import DENIAL


async def admit(scope, ingestion_id: str) -> Grant | Refusal | None:
    """The grant, a Refusal for rate, or None for credentials that do not hold (403)."""
    address = (scope.get("client") or ["unknown"])[0]
    refusal = await abuse_limits.ahit(abuse_limits.HANDSHAKES_PER_ADDRESS, address)
    if refusal is not None:
        return refusal
    grant = await authorize(scope, ingestion_id)
    if grant is None:
        return None
    limit = abuse_limits.HANDSHAKES_PER_COMPONENT
    return await abuse_limits.ahit(limit, grant.ingestion_id) or grant


async def refuse(scope, send, refusal: Refusal) -> bool:
    """Answer the handshake 429 with Retry-After; False where the server cannot (a plain
    daphne or a test communicator without the denial extension: close, and it is a 403)."""
    if DENIAL not in scope.get("extensions", {}):
        return False
    body = orjson.dumps({"detail": refusal.message})
    headers = [
        (b"content-type", b"application/json"),
        (b"retry-after", str(refusal.retry_after).encode()),
    ]
    await send({"type": "websocket.http.response.start", "status": 429, "headers": headers})
    await send({"type": "websocket.http.response.body", "body": body})
    return True
