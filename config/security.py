"""Security headers and the TLS-proxy switch, where Django's own settings don't reach.

- The Content Security Policy names this host's own WebSocket origin in connect-src.
- A WebSocket handshake is as secure as the trusted proxy says (SECURE_PROXY_SSL_HEADER),
  the same rule Django's request.is_secure() applies to HTTP requests.
"""

from __future__ import annotations

from collections.abc import Mapping

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseBase

# The API docs (Swagger UI, ReDoc) style themselves with <style> elements (Swagger UI's page
# template has one, ReDoc's styled-components inserts them at run time) and draw their icons
# from data: URIs; ReDoc runs its search index in a worker built from a blob: URL by its own
# script. So the docs alone get these; script-src stays 'self' everywhere.
DOCS_POLICY = {"style-src": [UNSAFE_INLINE], "img-src": ["data:"], "worker-src": [SELF, "blob:"]}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the page's own ws:// or wss:// origin in connect-src.

    CSP Level 3 lets 'self' match ws:/wss: on the same host and Chromium does, but browsers
    that implement CSP 2 (Safari before 15.4 among them) don't: naming the origin costs nothing.
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        origin = websocket_origin(request)
        if origin:
            update = dict(parts.update or {})
            update["connect-src"] = [*_as_list(update.get("connect-src")), origin]
            parts.update = update
        return parts


def websocket_origin(request: HttpRequest) -> str | None:
    """`wss://host` or `ws://host` for this request, or None when its host is not allowed."""
    try:
        host = request.get_host()
    except DisallowedHost:  # the 400 answer for it still gets the rest of the policy
        return None
    return f"{'wss' if request.is_secure() else 'ws'}://{host}"


def forwarded_https(headers: Mapping[str, str]) -> bool:
    """Whether the trusted TLS proxy says this handshake came in over TLS.

    `headers` are lower-case names, as in an ASGI scope. daphne puts no scheme in a WebSocket
    scope (not even with --proxy-headers), so the header is read here, and only when the
    settings trust it, exactly as HttpRequest.is_secure() does.
    """
    trusted = settings.SECURE_PROXY_SSL_HEADER
    if not trusted:
        return False
    meta_name, secure_value = trusted
    name = meta_name.removeprefix("HTTP_").replace("_", "-").lower()
    value = headers.get(name)
    return value is not None and value.split(",", 1)[0].strip() == secure_value


def _as_list(value: object) -> list:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return list(value)
    return [value]
