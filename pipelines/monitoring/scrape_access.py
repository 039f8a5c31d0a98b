"""Who may read `/metrics`.

The figures name pipelines and components and show their traffic: not for the public.
- `FLOWCAST_METRICS_TOKEN` set: a scraper sends `Authorization: Bearer <token>` (Prometheus'
  `authorization` scrape setting); anything else is answered 401.
- Not set: only requests made on this machine and not relayed by a proxy (no
  X-Forwarded-For / Forwarded / X-Real-IP header) are answered; others get 403. A proxy on
  the same host would otherwise make every visitor look local.
- A logged-in staff user may always look, e.g. from a browser.
"""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from pipelines.security import access

PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def refusal(request: HttpRequest) -> HttpResponse | None:
    """None when the request may read the metrics, else the answer that refuses it."""
    if access.sees_everything(getattr(request, "user", None)):
        return None
    token = settings.FLOWCAST["METRICS_TOKEN"]
    if token:
        presented = _bearer(request)
        if presented is not None and hmac.compare_digest(presented.encode(), token.encode()):
            return None
        response = HttpResponse(
            "Send Authorization: Bearer <FLOWCAST_METRICS_TOKEN>.\n",
            status=401,
            content_type="text/plain",
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    if _local(request):
        return None
    return HttpResponse(
        "Metrics are served to this machine only; set FLOWCAST_METRICS_TOKEN to scrape "
        "them from elsewhere.\n",
        status=403,
        content_type="text/plain",
    )


def _bearer(request: HttpRequest) -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _local(request: HttpRequest) -> bool:
    if any(request.META.get(header) for header in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False
