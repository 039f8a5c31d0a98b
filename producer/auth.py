"""Who may open a producer's WebSocket (DESIGN §6).

Any one of: `Authorization: Bearer <secret>`, `X-Ingestion-Secret: <secret>`,
`?token=<signed token>`, or a logged-in session allowed to view the pipeline whose
Origin matches the host (cookies ride along cross-site; headers and tokens don't).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.conf import settings

from config.security import forwarded_https
from pipelines.models import Component, Pipeline
from pipelines.rules import credentials
from pipelines.runtime import deployed_versions
from pipelines.runtime.deployed_versions import DeployedComponent
from pipelines.security import access
from pipelines.security.access import Right
from pipelines.types import registry
from producer.tokens import token_is_valid

SECRET, TOKEN, SESSION = "secret", "token", "session"
VIEW = Right.VIEW


@dataclass(frozen=True)
class Grant:
    component_id: int
    pipeline_id: int
    ingestion_id: str
    kind: str  # which credential opened the session: decides which changes close it
    deployed: DeployedComponent


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


def authorize(scope, ingestion_id: str) -> Grant | None:
    """The grant for this handshake, or None to refuse it (HTTP 403, nothing streamed)."""
    component = (
        Component.with_removed.select_related("pipeline").filter(ingestion_id=ingestion_id).first()
    )
    if component is None or not _streams(component):
        return None
    headers = _headers(scope)
    kind = _credential_kind(scope, headers, component)
    deployed = deployed_versions.of_component(component) if kind else None
    if deployed is None or not deployed.inputs:
        return None
    return Grant(component.pk, component.pipeline_id, component.ingestion_id, kind, deployed)


def _streams(component: Component) -> bool:
    active = component.pipeline.status == Pipeline.Status.ACTIVE
    return registry.get_type(component.type).streams == "ws" and active and bool(component.guid)


def _credential_kind(scope, headers: dict[str, str], component: Component) -> str | None:
    secret = credentials.presented_secret(headers)
    if secret is not None:
        return SECRET if credentials.secrets_match(secret, component.ingestion_secret) else None
    token = (_query(scope).get("token") or [None])[0]
    if token is not None:
        return TOKEN if token_is_valid(token, component) else None
    user = scope.get("user")
    if user is not None and same_origin(headers) and access.may(user, component.pipeline, VIEW):
        return SESSION
    return None
