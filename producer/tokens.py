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
from producer.narrowings import now_ms

SALT = "flowcast.producer.ws-token"


def _fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:24]


def sign_in_key(user) -> str:
    """A fingerprint of the user's sign-in (Django's session auth hash, which a new password
    changes): a token carries it, so a password change can end the streams it opened."""
    return _fingerprint(user.get_session_auth_hash())


def mint_token(component: Component, viewer=None, *, from_session: bool = False) -> dict:
    """`viewer`: the user it is minted for; their streams are checked again when their access
    narrows (producer.notify). `from_session`: minted for a signed-in page, so a new password
    (which signs the page out) ends them too; an API token's mint is not tied to it."""
    max_age = settings.FLOWCAST["TOKEN_MAX_AGE"]
    claims = {"i": component.ingestion_id, "f": _fingerprint(component.ingestion_secret)}
    if viewer is not None:  # when minted: checked again if access narrowed since
        claims["u"], claims["t"] = viewer.pk, now_ms()
        if from_session:
            claims["h"] = sign_in_key(viewer)
    return {"token": signing.dumps(claims, salt=SALT), "expires_in": max_age}


def read_token(token: str, ingestion_id: str, secret: str) -> dict | None:
    """The claims of an unexpired token minted for this producer and its current secret."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.FLOWCAST["TOKEN_MAX_AGE"])
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("i") != ingestion_id:
        return None
    return data if credentials.secrets_match(data.get("f"), _fingerprint(secret)) else None
