"""The served schema tells the truth: schemathesis over `/api/schema/` (DESIGN §7).

Every operation, with a fixed seed, against the Django WSGI app on the real broker and
Redis, authenticated as a user who owns pipelines with events, components, connections,
versions and a grant, so that generated ids often resolve. No answer may be a 5xx, have a
status, content type, body or headers the schema does not document. Every case runs in a
savepoint that is rolled back: each one meets the same world, whatever the one before did.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pipelines import services
from pipelines.access import Actor
from pipelines.models import AuditEntry, Pipeline

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

SEED = 20251015
EXAMPLES = 12  # fuzzed cases per operation, on top of the examples and coverage phases
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


@dataclass
class World:
    """What the contract user owns, by the path segment that names it."""

    headers: dict[str, str]
    ids: dict[str, list[int]]
    versions: list[str]
    ingestion_ids: list[str]
    secrets: dict[str, str]
    exercised: Counter = field(default_factory=Counter)


@pytest.fixture
def world(django_user_model, settings, kafka_bootstrap, redis_url) -> World:
    settings.KAFKA_BOOTSTRAP_SERVERS = kafka_bootstrap
    settings.REDIS_URL = redis_url
    # Limits of their own (the limiter's keys include the amount), low enough to answer 429.
    settings.FLOWCAST = {**settings.FLOWCAST, "LIMIT_TOKENS_PER_USER": (37, 60)}
    carol = django_user_model.objects.create_user("carol-contract", password="x")
    django_user_model.objects.create_user("dave-contract", password="x")
    by = Actor(carol)
    live = _stream(carol, by, "Orders", source="api_ingestion")
    draft = _stream(carol, by, "Draft", source="kafka_consumer")
    services.grant_access(live["pipeline"], user="dave-contract", role="viewer", by=by)
    components = [*live["components"], *draft["components"]]
    return World(
        headers={"Authorization": f"Token {Token.objects.create(user=carol).key}"},
        ids={
            "pipelines": [live["pipeline"].pk, draft["pipeline"].pk],
            "events": [live["event"].pk, draft["event"].pk],
            "components": [c.pk for c in components],
            "connections": live["connections"] + draft["connections"],
            "producers": [live["components"][1].pk, draft["components"][1].pk],
            "grants": list(live["pipeline"].grants.values_list("pk", flat=True)),
            "audit": list(AuditEntry.objects.filter(actor=carol).values_list("pk", flat=True)),
        },
        versions=["1"],
        ingestion_ids=[live["components"][0].ingestion_id],
        secrets={live["components"][0].ingestion_id: live["components"][0].ingestion_secret},
    )


def _stream(owner, by: Actor, name: str, *, source: str) -> dict:
    """Source → event → WebSocket Producer, deployed once; the API Ingestion one is active."""
    pipeline = services.create_pipeline(owner, name=name)
    meta = {"topic": "contract-source"} if source == "kafka_consumer" else {}
    reader = services.create_component(
        pipeline, type=source, name="Source", config={"meta": meta}, by=by
    )
    event = services.create_event(pipeline, name="Records", partitions=1, by=by)
    producer = services.create_component(pipeline, type="websocket_producer", name="Feed", by=by)
    wires = [
        services.connect(pipeline, event=event, component=reader, direction="output", by=by),
        services.connect(pipeline, event=event, component=producer, direction="input", by=by),
    ]
    services.deploy(pipeline, by=by)
    if source == "api_ingestion":
        services.set_active(Pipeline.objects.get(pk=pipeline.pk), True, by=by)
    return {
        "pipeline": pipeline,
        "event": event,
        "components": [reader, producer],
        "connections": [w.pk for w in wires],
    }


@pytest.fixture(autouse=True)
def shared_transaction():
    """Cases call the WSGI app in the test's own thread; like Django's test client, keep it
    from closing the connection (and so the test's transaction) after each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def current_world(world: World):
    CURRENT["world"] = world
    yield
    del CURRENT["world"]


CURRENT: dict[str, World] = {}
EXERCISED: Counter = Counter()
TIMES: Counter = Counter()
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {"mode": "all", "max-examples": EXAMPLES},
        "phases": {"stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)


@schema.hook("flatmap_path_parameters")
def known_ids(context, path_parameters: dict):
    """Half of the cases name objects that exist (otherwise nearly all would be 404)."""
    if not path_parameters:
        return st.just(path_parameters)
    world = CURRENT["world"]
    segment = context.operation.path.split("/")[2]
    known = {
        "id": world.ids.get(segment) or None,
        "number": world.versions,
        "ingestion_id": world.ingestion_ids,
    }
    real = {name: known.get(name) for name in path_parameters}
    if not all(real.values()):
        return st.just(path_parameters)
    return st.one_of(
        st.just(path_parameters),
        st.fixed_dictionaries({name: st.sampled_from(v) for name, v in real.items()}),
    )


@schema.hook("flatmap_body")
def known_references(context, body):
    """Half of the bodies that name a pipeline, event or component name real ones."""
    world = CURRENT["world"]
    if not isinstance(body, dict):
        return st.just(body)
    pools = {
        "pipeline": world.ids["pipelines"],
        "event": world.ids["events"],
        "component": world.ids["components"],
    }
    named = {key: pool for key, pool in pools.items() if key in body}
    if not named:
        return st.just(body)
    real = st.fixed_dictionaries({key: st.sampled_from(pool) for key, pool in named.items()})
    return st.one_of(st.just(body), real.map(lambda ids: {**body, **ids}))


@schema.parametrize()
@settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_is_documented(case):
    world = CURRENT["world"]
    EXERCISED[case.operation.label] += 1
    headers = dict(world.headers)
    if "ingestion_id" in (case.path_parameters or {}):
        secret = world.secrets.get(case.path_parameters["ingestion_id"], "fcs_unknown")
        headers = {"X-Ingestion-Secret": secret}
    import time as _t
    _s = _t.perf_counter()
    with transaction.atomic():
        case.call_and_validate(headers=headers, checks=CHECKS)
        transaction.set_rollback(True)
    TIMES[case.operation.label] += _t.perf_counter() - _s


def test_every_operation_was_exercised():
    """Runs after the cases above (pytest keeps a module's order)."""
    operations = {result.ok().label for result in schema.get_all_operations()}
    assert operations - set(EXERCISED) == set()
    print(f"{sum(EXERCISED.values())} cases over {len(operations)} operations")
    for k, v in TIMES.most_common(15): print(k, round(v, 2), EXERCISED[k])
