"""Ingestion credentials: how they are made, masked and compared."""

from __future__ import annotations

import hmac
import secrets

SECRET_BYTES = 32  # 256 bits of entropy from the OS's CSPRNG
MASK = "••••••••"


def new_ingestion_id() -> str:
    return f"ing_{secrets.token_hex(12)}"


def new_secret() -> str:
    return f"fcs_{secrets.token_urlsafe(SECRET_BYTES)}"


def mask(secret: str) -> str:
    """Show only that a secret exists, plus its last four characters to tell two apart."""
    if not secret:
        return ""
    return f"{MASK}{secret[-4:]}"


def presented_secret(headers) -> str | None:
    """The secret a client sent: `Authorization: Bearer …` or `X-Ingestion-Secret`.

    `headers` is any mapping with lower-case keys or Django's case-insensitive HttpHeaders.
    """
    auth = headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return headers.get("x-ingestion-secret")


def secrets_match(given: str | None, expected: str) -> bool:
    """Constant-time comparison, so response timing does not leak the secret."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())
