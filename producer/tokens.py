"""Short-lived signed tokens for browsers, which cannot set WebSocket headers.

A token is bound to a fingerprint of the current Ingestion Secret, so regenerating the
secret also invalidates every token minted with the old one.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core import signing

from pipelines.models import Component
from pipelines.rules import credentials

SALT = "flowcast.producer.ws-token"


def _fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:24]


def mint_token(component: Component) -> dict:
    max_age = settings.FLOWCAST["TOKEN_MAX_AGE"]
    token = signing.dumps(
        {"i": component.ingestion_id, "f": _fingerprint(component.ingestion_secret)}, salt=SALT
    )
    return {"token": token, "expires_in": max_age}


def token_is_valid(token: str, ingestion_id: str, secret: str) -> bool:
    """True for an unexpired token minted for this producer and its current secret."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.FLOWCAST["TOKEN_MAX_AGE"])
    except signing.BadSignature:
        return False
    if not isinstance(data, dict) or data.get("i") != ingestion_id:
        return False
    return credentials.secrets_match(data.get("f"), _fingerprint(secret))
