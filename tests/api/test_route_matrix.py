"""Every route and method by every persona, generated from the URL resolver and the schema.

RIGHTS below says what each route needs; the routes come from Django's resolver, so a new
route without a line in RIGHTS fails `test_every_route_has_a_rule`, and an operation in
the OpenAPI schema that no route serves fails `test_every_schema_operation_is_in_the_matrix`.

A persona without the right gets 404 when it cannot see the pipeline and 403 when it can,
and the database is unchanged; anonymous callers get 401/403 from the API and the login
page from HTML views. A persona with the right is never refused.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from pipelines import services
from pipelines.models import (
    AuditEntry,
    Component,
    Connection,
    Event,
    Pipeline,
    PipelineGrant,
    PipelineVersion,
)
from pipelines.security.access import Actor
from tests.api.conftest import Graph

pytestmark = pytest.mark.django_db

PERSONAS = ["owner", "editor", "viewer", "other", "staff", "anonymous"]
VIEW, EDIT, DEPLOY, SECRETS, SHARE, DELETE = "view", "edit", "deploy", "secrets", "share", "delete"
HAS = {
    "owner": {VIEW, EDIT, DEPLOY, SECRETS, SHARE, DELETE},
    "staff": {VIEW, EDIT, DEPLOY, SECRETS, SHARE, DELETE},
    "editor": {VIEW, EDIT, DEPLOY, SECRETS},
    "viewer": {VIEW},
    "other": set(),
    "anonymous": set(),
}
# Rules that are not a right on the route's pipeline:
LOGGED_IN = "logged-in"  # any logged-in user (lists show only what they may see)
BODY = "body:"  # the right is needed on the pipeline named in the body ("body:edit")
PUBLIC = "public"  # login pages, the schema and its docs
OWN_CREDENTIAL = "own-credential"  # ingest (Ingestion Secret), /metrics (token or local)
STAFF_ONLY = "staff"

RIGHTS: dict[tuple[str, str], str] = {
    ("pipeline-list", "get"): LOGGED_IN,
    ("pipeline-list", "post"): LOGGED_IN,  # anyone may create their own pipeline
    ("pipeline-status-summaries", "get"): LOGGED_IN,
    ("pipeline-detail", "get"): VIEW,
    ("pipeline-detail", "put"): EDIT,
    ("pipeline-detail", "patch"): EDIT,
    ("pipeline-detail", "delete"): DELETE,
    ("pipeline-activate", "post"): DEPLOY,
    ("pipeline-deactivate", "post"): DEPLOY,
    ("pipeline-deploy", "post"): DEPLOY,
    ("pipeline-restore", "post"): EDIT,
    ("pipeline-scaling", "get"): VIEW,
    ("pipeline-status", "get"): VIEW,
    ("pipeline-version", "get"): VIEW,
    ("pipeline-versions", "get"): VIEW,
    ("event-list", "get"): LOGGED_IN,
    ("event-list", "post"): BODY + EDIT,
    ("event-detail", "get"): VIEW,
    ("event-detail", "put"): EDIT,
    ("event-detail", "patch"): EDIT,
    ("event-detail", "delete"): EDIT,
    ("component-list", "get"): LOGGED_IN,
    ("component-list", "post"): BODY + EDIT,
    ("component-detail", "get"): VIEW,
    ("component-detail", "put"): EDIT,
    ("component-detail", "patch"): EDIT,
    ("component-detail", "delete"): EDIT,
    ("component-secret", "get"): SECRETS,
    ("component-regenerate-secret", "post"): SECRETS,
    ("component-token", "post"): VIEW,
    ("component-validate", "post"): EDIT,
    ("component-restore", "post"): EDIT,  # undo a delete not yet applied
    ("connection-list", "get"): LOGGED_IN,
    ("connection-list", "post"): BODY + EDIT,
    ("connection-detail", "get"): VIEW,
    ("connection-detail", "delete"): EDIT,
    ("producer-list", "get"): LOGGED_IN,
    ("producer-detail", "get"): VIEW,
    ("grant-list", "get"): LOGGED_IN,
    ("grant-list", "post"): BODY + SHARE,
    ("grant-detail", "get"): VIEW,
    ("grant-detail", "patch"): SHARE,
    ("grant-detail", "delete"): SHARE,
    ("audit-list", "get"): LOGGED_IN,
    ("audit-detail", "get"): VIEW,
    ("component-types", "get"): LOGGED_IN,
    ("api-root", "get"): LOGGED_IN,
    ("ingest", "post"): OWN_CREDENTIAL,
    ("metrics", "get"): OWN_CREDENTIAL,
    ("healthz", "get"): PUBLIC,  # probes (pipelines.monitoring.health)
    ("readyz", "get"): PUBLIC,
    ("favicon", "get"): PUBLIC,
    ("schema", "get"): PUBLIC,
    ("api-docs", "get"): PUBLIC,
    ("api-redoc", "get"): PUBLIC,
    ("home", "get"): LOGGED_IN,
    ("pipeline-list-page", "get"): LOGGED_IN,
    ("pipeline-editor", "get"): VIEW,  # viewers get the read-only editor
    ("pipeline-monitoring", "get"): VIEW,
    ("dashboard-list", "get"): LOGGED_IN,
    ("demo-transactions", "get"): LOGGED_IN,
    ("dashboard-live", "get"): VIEW,
    ("dashboard-transactions", "get"): VIEW,
    ("producer-live", "get"): PUBLIC,  # a redirect to dashboard-live, which checks
    ("admin:index", "get"): STAFF_ONLY,
}
# Django's own account pages: public by design, not part of the matrix.
ACCOUNT_ROUTES = re.compile(r"^(login|logout|password_.*)$")


# --- Routes, from the resolver ------------------------------------------------------------


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "admin":
                yield "admin/", "admin:index", None
                continue
            yield from _walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
        elif isinstance(p, URLPattern) and p.name and "format" not in str(p.pattern):
            yield prefix + str(p.pattern), p.name, p


def _methods(pattern: URLPattern | None) -> list[str]:
    if pattern is None:
        return ["get"]
    callback = pattern.callback
    if getattr(callback, "actions", None):
        allowed = callback.cls.http_method_names
        return [m for m in callback.actions if m in allowed]
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        return [m for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)]
    return ["post"] if pattern.name == "ingest" else ["get"]


def routes() -> list[tuple[str, str, str]]:
    """(route name, method, pattern) of every route, the HTML list page renamed: the API's
    router and the page share the name `pipeline-list`."""
    found = []
    for route, name, pattern in _walk(get_resolver().url_patterns):
        if ACCOUNT_ROUTES.match(name):
            continue
        if name == "pipeline-list" and not route.startswith("api/"):
            name = "pipeline-list-page"
        for method in _methods(pattern):
            if (name, method) in {(n, m) for n, m, _ in found}:
                continue
            found.append((name, method, route))
    return found


ROUTES = routes()


def test_every_route_has_a_rule():
    missing = [(name, method) for name, method, _ in ROUTES if (name, method) not in RIGHTS]
    assert missing == [], f"Routes without a rule in RIGHTS: {missing}"
    stale = set(RIGHTS) - {(name, method) for name, method, _ in ROUTES}
    assert stale == set(), f"Rules for routes that no longer exist: {stale}"


def test_every_schema_operation_is_in_the_matrix():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        (path, method)
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    served = {(_as_schema_path(route), method) for _, method, route in ROUTES}
    assert operations - served == set()
    assert len(operations) >= 40


def _as_schema_path(route: str) -> str:
    path = "/" + route.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)
    return path.replace("{pk}", "{id}")


# --- The world every case starts from -------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module: each case runs in a transaction rolled back after it."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        built = _build_world()
    yield built
    with django_db_blocker.unblock():
        Pipeline.objects.filter(pk=built["pipeline"].pk).delete()
        AuditEntry.objects.filter(actor__username__in=NAMES).delete()
        User.objects.filter(username__in=NAMES).delete()
        Group.objects.filter(name="watchers").delete()


NAMES = ["owner", "editor", "viewer", "other", "staff", "newcomer"]
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _build_world() -> dict:
    owner = User.objects.create_user("owner", password="pw")
    editor = User.objects.create_user("editor", password="pw")
    viewer = User.objects.create_user("viewer", password="pw")
    other = User.objects.create_user("other", password="pw")
    staff = User.objects.create_user("staff", password="pw", is_staff=True)
    User.objects.create_user("newcomer", password="pw")
    Group.objects.create(name="watchers").user_set.add(viewer)  # viewer comes via a group
    owner_api = APIClient()
    owner_api.force_authenticate(owner)
    pipeline, consumer, event, producer = Graph(owner_api).demo()
    pipe = Pipeline.objects.get(pk=pipeline["id"])
    by = Actor(owner, "127.0.0.1")
    removed = services.create_component(pipe, type="websocket_producer", name="Old feed")
    source = Event.objects.get(pk=event["id"])
    services.connect(pipe, event=source, component=removed, direction="input")
    services.deploy(pipe, by=by)
    services.delete_component(removed, by=by)  # deleted in the draft, still deployed
    services.grant_access(pipe, user="editor", role="editor", by=by)
    grant = services.grant_access(pipe, group="watchers", role="viewer", by=by)
    users = {"owner": owner, "editor": editor, "viewer": viewer, "other": other, "staff": staff}
    return {
        "users": users,
        "pipeline": pipe,
        "component": Component.objects.get(pk=producer["id"]),
        "consumer": consumer,
        "event": Event.objects.get(pk=event["id"]),
        "connection": Connection.objects.filter(pipeline=pipe).first(),
        "grant": grant,
        "audit": AuditEntry.objects.filter(pipeline=pipe).first(),
        "removed": removed,
    }


def _url(route: str, name: str, world) -> str:
    kinds = {
        "pipeline": "pipeline",
        "event": "event",
        "component": "component",
        "connection": "connection",
        "producer": "component",
        "grant": "grant",
        "audit": "audit",
        "dashboard": "component",
        "pipeline-editor": "pipeline",
        "pipeline-monitoring": "pipeline",
        "component-restore": "removed",
    }
    kind = next((kinds[k] for k in sorted(kinds, key=len, reverse=True) if name.startswith(k)), "")
    values = {
        "pk": str(world[kind].pk) if kind else "",
        "number": "1",
        "ingestion_id": world["component"].ingestion_id,
    }
    path = route.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: values[m.group(1)], path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], path)
    return "/" + path


def _body(name: str, method: str, world) -> dict:
    pipeline = world["pipeline"]
    bodies = {
        ("pipeline-list", "post"): {"name": "Mine"},
        ("pipeline-detail", "put"): {"name": "Renamed", "description": "d"},
        ("pipeline-detail", "patch"): {"description": "changed"},
        ("event-list", "post"): {"pipeline": pipeline.pk, "name": "More"},
        ("event-detail", "put"): {"pipeline": pipeline.pk, "name": "Renamed event"},
        ("event-detail", "patch"): {"name": "Renamed event"},
        ("component-list", "post"): {
            "pipeline": pipeline.pk,
            "type": "websocket_producer",
            "name": "Second feed",
        },
        ("component-detail", "put"): {
            "pipeline": pipeline.pk,
            "type": "websocket_producer",
            "name": "Renamed feed",
        },
        ("component-detail", "patch"): {"name": "Renamed feed"},
        ("connection-list", "post"): {
            "source": f"component:{world['component'].pk}",
            "target": f"event:{world['event'].pk}",
        },
        ("grant-list", "post"): {"pipeline": pipeline.pk, "user": "newcomer", "role": "viewer"},
        ("grant-detail", "patch"): {"role": "editor"},
    }
    return bodies.get((name, method), {})


def _state() -> tuple:
    """Everything a refused request must leave as it was."""
    return (
        list(Pipeline.objects.values_list("id", "name", "description", "status", "rev")),
        list(Event.objects.values_list("id", "name", "partitions")),
        list(
            Component.with_removed.values_list(
                "id", "name", "config", "ingestion_secret", "removed_at"
            )
        ),
        list(Connection.objects.values_list("id")),
        list(PipelineVersion.objects.values_list("id")),
        list(PipelineGrant.objects.values_list("id", "role")),
        AuditEntry.objects.count(),
    )


def _client(persona: str, world, api: bool):
    user = world["users"].get(persona)
    if api:
        client = APIClient()
        if user:
            client.force_authenticate(user)
        return client
    client = Client()
    if user:
        client.force_login(user)
    return client


CASES = [
    pytest.param(name, method, route, persona, id=f"{method.upper()} {name} as {persona}")
    for name, method, route in ROUTES
    for persona in PERSONAS
    if RIGHTS.get((name, method)) not in (None, PUBLIC, OWN_CREDENTIAL)
]


@pytest.mark.parametrize(("name", "method", "route", "persona"), CASES)
def test_route_matrix(world, name, method, route, persona):
    rule = RIGHTS[(name, method)]
    is_api = route.startswith("api/")
    url = _url(route, name, world)
    client = _client(persona, world, api=is_api)
    before = _state()
    if is_api:
        response = getattr(client, method)(url, _body(name, method, world), format="json")
    else:
        response = getattr(client, method)(url)
    status = response.status_code
    outcome = f"{method.upper()} {url} as {persona}: {status} {response.content[:200]!r}"

    if persona == "anonymous":
        if is_api:
            assert status in (401, 403), outcome
        else:
            assert status == 302 and "/login/" in response["Location"], outcome
        assert _state() == before, outcome
        return
    if rule == STAFF_ONLY:
        expected_ok = persona == "staff"
        assert (status == 200) == expected_ok, outcome
        if not expected_ok:
            assert status == 302 and "/login/" in response["Location"], outcome
        return
    if rule == LOGGED_IN:
        assert status < 400 or (name == "demo-transactions" and status == 404), outcome
        if persona == "other" and method == "get" and is_api and "results" in response.json():
            assert _owner_ids_absent(response.json()["results"], world), outcome
        return
    right = rule.removeprefix(BODY)
    if right in HAS[persona]:
        assert status < 400 or status in (400, 409), outcome  # refused by rules, not access
        assert status not in (401, 403, 404), outcome
        return
    if rule.startswith(BODY):
        # The body names a pipeline: one it cannot see is refused like a missing one.
        assert status in (400, 403) if VIEW in HAS[persona] else status == 400, outcome
        if VIEW in HAS[persona]:
            assert status == 403, outcome
    else:
        assert status == (403 if VIEW in HAS[persona] else 404), outcome
    assert _state() == before, outcome


def _owner_ids_absent(results: list[dict], world) -> bool:
    pipeline_id = world["pipeline"].pk
    for item in results:
        pipeline = item.get("pipeline")
        if isinstance(pipeline, dict):
            pipeline = pipeline.get("id")
        if item.get("id") == pipeline_id and "owner" in item:
            return False
        if pipeline == pipeline_id:
            return False
    return True
