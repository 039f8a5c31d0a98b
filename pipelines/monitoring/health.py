"""`GET /healthz` (the process is alive) and `GET /readyz` (its services answer).

Kubernetes probes them (pipelines.k8s): liveness on /healthz, which touches nothing, so an
outage of the database, Redis or Kafka never gets a web process restarted; readiness on
/readyz, which takes the process out of the Service while one of them does not answer.
Both are public, like a load balancer's health check: no session, no audit entry, no
abuse limit. /readyz names which check failed and the error's class, never its message
(which can carry host names and users), and logs the message instead.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from confluent_kafka.admin import AdminClient
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from pipelines import redis_keys

log = logging.getLogger(__name__)

TIMEOUT = 2.0  # seconds per check; the three run at once, so /readyz answers within ~2 s
# A check that hangs past its timeout keeps its thread until its library gives up; with a
# fixed pool, probes that pile up behind it time out too instead of adding threads.
_pool = ThreadPoolExecutor(max_workers=6, thread_name_prefix="readyz")


class NotConfigured(Exception):
    """The service's setting is empty: `manage.py up` has not started the embedded one."""


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "alive"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    checks = run_checks({"database": check_database, "redis": check_redis, "kafka": check_kafka})
    failed = [name for name, result in checks.items() if not result["ok"]]
    body = {"status": "unavailable" if failed else "ready", "checks": checks}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)


def run_checks(checks: dict[str, Callable[[], None]]) -> dict[str, dict]:
    """Run every check at once; each result is {"ok", "ms"} plus "error" when it failed."""
    started = time.monotonic()
    futures = {name: _pool.submit(_timed, check) for name, check in checks.items()}
    results = {}
    for name, future in futures.items():
        left = max(TIMEOUT + 0.5 - (time.monotonic() - started), 0.0)
        try:
            results[name] = future.result(timeout=left)
        except FutureTimeout:
            results[name] = {"ok": False, "ms": round(left * 1000), "error": "timed out"}
        if not results[name]["ok"]:
            log.warning("Readiness check %s failed: %s", name, results[name]["error"])
    return results


def _timed(check: Callable[[], None]) -> dict:
    started = time.monotonic()
    try:
        check()
    except NotConfigured as exc:
        return {"ok": False, "ms": 0, "error": str(exc)}
    except Exception as exc:
        log.info("Readiness check error: %r", exc)
        result = {"ok": False, "error": type(exc).__name__}
    else:
        result = {"ok": True}
    return {**result, "ms": round((time.monotonic() - started) * 1000, 1)}


def check_database() -> None:
    # Runs in a pool thread with its own connection, closed at once: a probe every few
    # seconds must not hold a database connection per thread.
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()


def check_redis() -> None:
    client = redis_keys.client()  # socket and connect timeouts of 2 s
    if client is None:
        raise NotConfigured("not configured (REDIS_URL is empty)")
    client.ping()


def check_kafka() -> None:
    servers = settings.KAFKA_BOOTSTRAP_SERVERS
    if not servers:
        raise NotConfigured("not configured (KAFKA_BOOTSTRAP_SERVERS is empty)")
    # A client per probe, not kept: one kept for a cluster that went away would go on
    # reconnecting (and logging) in the background.
    admin = AdminClient({"bootstrap.servers": servers, "socket.timeout.ms": int(TIMEOUT * 1000)})
    admin.list_topics(timeout=TIMEOUT)
