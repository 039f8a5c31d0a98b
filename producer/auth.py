"""Who may open a producer's WebSocket (DESIGN §6).

Any one of: `Authorization: Bearer <secret>`, `X-Ingestion-Secret: <secret>`,
`?token=<signed token>`, or a logged-in session allowed to view the pipeline whose
Origin matches the host (cookies ride along cross-site; headers and tokens don't).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model

from config.security import forwarded_https
from pipelines.models import Pipeline
from pipelines.rules import credentials
from pipelines.runtime.deployed_versions import DeployedComponent
from pipelines.security import access
from pipelines.security.access import Right
from producer import narrowings
from producer.credential_cache import Producer, cache
from producer.lazy_user import session_user
from producer.tokens import read_token, sign_in_key

SECRET, TOKEN, SESSION = "secret", "token", "session"
UNDECIDED = "undecided"  # no secret or token: a cookie session may still open it
REVOKED, SIGNED_OUT = "revoked", "signed out"  # why a recheck ends a user's session
VIEW = Right.VIEW


@dataclass(frozen=True, slots=True)  # one per connection
class Grant:
    component_id: int
    pipeline_id: int
    ingestion_id: str
    kind: str  # which credential opened the session: decides which changes close it
    deployed: DeployedComponent
    viewer: int | None = None  # the user of a cookie session or a page's token: rechecked
    viewer_key: str | None = None  # a token's sign-in fingerprint (tokens.sign_in_key)


def _headers(scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _query(scope) -> dict[str, list[str]]:
    return parse_qs(scope.get("query_string", b"").decode("latin-1"))


def same_origin(headers: dict[str, str]) -> bool:
    origin = headers.get("origin")
    if not origin:
        return False
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    parts = urlsplit(origin)
    if forwarded_https(headers) and parts.scheme != "https":
        return False  # the site is https:// behind its TLS proxy: an http:// page is not it
    return parts.netloc.lower() == headers.get("host", "").lower()


async def authorize(scope, ingestion_id: str) -> Grant | None:
    """The grant for this handshake, or None to refuse it (HTTP 403, nothing streamed).

    A secret or a token is checked against the producer as this process holds it
    (producer.credential_cache): no query, no thread. Only a cookie session (a dashboard)
    needs the database, for its user and their access; so does a user's token older than
    the last narrowing of its pipeline's access (producer.narrowings), rarely."""
    held = cache()
    producer = await held.producer(ingestion_id)
    if producer is None:
        return None
    headers = _headers(scope)
    kind, claims = _credential_kind(scope, headers, producer)
    if kind is None and time.monotonic() - producer.loaded_at > 0.1:
        # A secret regenerated a moment ago may be presented before the change message
        # reached this process: a credential that does not hold is checked once more
        # against the database (refusals are rare and limited per address).
        producer = await held.producer(ingestion_id, fresh=True)
        kind, claims = _credential_kind(scope, headers, producer) if producer else (None, {})
    if kind is UNDECIDED:
        kind, claims = await database_sync_to_async(_session_kind)(scope, headers, producer)
    if kind is None:
        return None
    grant = Grant(
        producer.component_id,
        producer.pipeline_id,
        producer.ingestion_id,
        kind,
        producer.deployed,
        claims.get("u"),
        claims.get("h"),
    )
    if kind is TOKEN and narrowings.predates(claims, producer.narrowed_at):
        # A user's token older than a narrowing of this pipeline's access: checked as the
        # streams it opened were (4503/4504); refused here with HTTP 403.
        return grant if await database_sync_to_async(recheck)(grant, scope) is None else None
    return grant


def presented(scope, headers: dict[str, str]) -> tuple[str | None, str | None]:
    """The secret (a header) and the token (`?token=`) a handshake brings, if any."""
    return credentials.presented_secret(headers), (_query(scope).get("token") or [None])[0]


def presents_credential(scope) -> bool:
    """A secret or a token, which decides alone: no session is needed (producer.routing)."""
    return presented(scope, _headers(scope)) != (None, None)


def _credential_kind(scope, headers: dict[str, str], producer: Producer) -> tuple[str | None, dict]:
    """Which credential opens it (None: refused), and a token's claims (its user)."""
    secret, token = presented(scope, headers)
    if secret is not None:
        return (SECRET if credentials.secrets_match(secret, producer.secret) else None), {}
    if token is not None:
        claims = read_token(token, producer.ingestion_id, producer.secret)
        return (TOKEN, claims) if claims is not None else (None, {})
    return UNDECIDED, {}


def _session_kind(scope, headers: dict[str, str], producer: Producer) -> tuple[str | None, dict]:
    """A logged-in user allowed to view the pipeline, from a page of this site."""
    if not same_origin(headers):
        return None, {}
    user = session_user(scope)
    pipeline = Pipeline.objects.filter(pk=producer.pipeline_id).first()
    if pipeline is None or not access.may(user, pipeline, VIEW):
        return None, {}
    return SESSION, {"u": user.pk}


def rechecks(grant: Grant) -> bool:
    """Whether access that narrows can end this session: a user's, not a secret's."""
    return grant.viewer is not None


def recheck(grant: Grant, scope) -> str | None:
    """Checked again (in a thread) when the user's access or sign-in may have changed: None
    to go on, REVOKED when they may no longer view the pipeline, SIGNED_OUT when only their
    sign-in changed (a new password): a page still signed in gets a new token."""
    # The session first: a user deactivated between the two reads then reads as revoked
    # (the user is gone), not as merely signed out (their session went with it).
    session_pk = session_user(scope).pk if grant.kind == SESSION else None
    user = get_user_model().objects.filter(pk=grant.viewer, is_active=True).first()
    pipeline = Pipeline.objects.filter(pk=grant.pipeline_id).first()
    if user is None or pipeline is None or not access.may(user, pipeline, VIEW):
        return REVOKED
    if grant.kind == SESSION:
        signed_in = session_pk == user.pk
    elif grant.viewer_key is not None:  # a page's token, minted from its session
        signed_in = credentials.secrets_match(grant.viewer_key, sign_in_key(user))
    else:  # minted with an API token, which a new password does not revoke
        signed_in = True
    return None if signed_in else SIGNED_OUT
