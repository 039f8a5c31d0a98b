"""The served schema tells the truth: schemathesis over `/api/schema/` (DESIGN §7).

Every operation, with a fixed seed, against the Django WSGI app on the real broker and
Redis, authenticated as a user who owns pipelines with events, components, connections,
versions and a grant, so that generated ids often resolve. No answer may be a 5xx, or have
a status, content type, body or headers the schema does not document. Every case runs in a
savepoint that is rolled back: each one meets the same world, whatever the one before did.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import TestPhase
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pipelines import services
from pipelines.models import AuditEntry, Pipeline
from pipelines.security.access import Actor

pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.contract]

SEED = 20251015
FUZZED = 5  # cases per operation on top of the coverage phase's (every boundary it defines)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {"mode": "all", "max-examples": FUZZED},
        # Methods the schema does not list are the route matrix's (tests/api/test_route_matrix).
        "phases": {"coverage": {"unexpected-methods": []}, "stateful": {"enabled": False}},
    }
)
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=CONFIG)
EXERCISED: Counter = Counter()


@dataclass
class World:
    """What the contract user owns; `ids` by the path segment that names the objects."""

    headers: dict[str, str]
    ids: dict[str, list[int]]
    versions: list[str]
    secrets: dict[str, str]  # ingestion id → secret


WORLD: list[World] = []  # the module's world, for the hooks below


@pytest.fixture(scope="module", autouse=True)
def world(django_db_setup, django_db_blocker, kafka_bootstrap, redis_url) -> Iterator[World]:
    """Built once and committed (cases roll back to it); removed after the module."""
    limits = {
        # Limits of their own (the limiter's keys hold the amount), low enough to answer 429.
        "LIMIT_TOKENS_PER_USER": (37, 60),
        "LIMIT_INGEST_REQUESTS": (41, 1),
    }
    flowcast = {**django_settings.FLOWCAST, **limits}
    with (
        override_settings(
            KAFKA_BOOTSTRAP_SERVERS=kafka_bootstrap, REDIS_URL=redis_url, FLOWCAST=flowcast
        ),
        django_db_blocker.unblock(),
    ):
        users = [
            get_user_model().objects.create_user(name, password="x")
            for name in ("carol-contract", "dave-contract")
        ]
        try:
            WORLD.append(_build(users[0]))
            yield WORLD[0]
        finally:
            WORLD.clear()
            AuditEntry.objects.filter(actor__in=users).delete()
            for user in users:
                user.delete()


def _build(carol) -> World:
    by = Actor(carol)
    live = _stream(carol, by, "Orders", source="api_ingestion", deploy=True)
    draft = _stream(carol, by, "Draft", source="kafka_consumer", deploy=False)
    services.grant_access(live["pipeline"], user="dave-contract", role="viewer", by=by)
    reader = live["components"][0]
    return World(
        headers={"Authorization": f"Token {Token.objects.create(user=carol).key}"},
        ids={
            "pipelines": [live["pipeline"].pk, draft["pipeline"].pk],
            "events": [live["event"].pk, draft["event"].pk],
            "components": [c.pk for c in live["components"] + draft["components"]],
            "connections": live["connections"] + draft["connections"],
            "producers": [live["components"][1].pk, draft["components"][1].pk],
            "grants": list(live["pipeline"].grants.values_list("pk", flat=True)),
            "audit": list(AuditEntry.objects.filter(actor=carol).values_list("pk", flat=True)),
        },
        versions=["1"],
        secrets={reader.ingestion_id: reader.ingestion_secret},
    )


def _stream(owner, by: Actor, name: str, *, source: str, deploy: bool) -> dict:
    """Source → event → WebSocket Producer; deployed and active, or a draft."""
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
    if deploy:
        services.deploy(pipeline, by=by)
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


def known(operation, name: str) -> list:
    """Real values for a path parameter of `operation` (empty: none known)."""
    world = WORLD[0]
    pools = {
        "id": world.ids.get(operation.path.split("/")[2], []),
        "number": world.versions,
        "ingestion_id": list(world.secrets),
    }
    return pools.get(name, [])


@schema.hook("flatmap_path_parameters")
def known_ids(context, path_parameters: dict | None):
    """Half of the fuzzed cases name objects that exist (otherwise nearly all are 404)."""
    real = {name: known(context.operation, name) for name in path_parameters or {}}
    if not real or not all(real.values()):
        return st.just(path_parameters)
    named = st.fixed_dictionaries({name: st.sampled_from(v) for name, v in real.items()})
    return st.one_of(st.just(path_parameters), named)


def place_in_world(case) -> None:
    """A coverage case probes one parameter (built before the world exists): the path
    parameters it does not probe name real objects, so a probe of the body meets one."""
    phase = case.meta.phase if case.meta else None
    if phase is None or phase.name != TestPhase.COVERAGE or not case.path_parameters:
        return
    probed = (
        phase.data.parameter if phase.data.parameter_location == ParameterLocation.PATH else None
    )
    for name in case.path_parameters:
        pool = known(case.operation, name)
        if name != probed and pool:
            case.path_parameters[name] = pool[EXERCISED[case.operation.label] % len(pool)]


@schema.hook("flatmap_body")
def known_references(context, body):
    """Half of the bodies that name a pipeline, event or component name real ones."""
    if not isinstance(body, dict):
        return st.just(body)
    pools = {key: WORLD[0].ids[f"{key}s"] for key in ("pipeline", "event", "component")}
    named = {key: pool for key, pool in pools.items() if key in body}
    if not named:
        return st.just(body)
    real = st.fixed_dictionaries({key: st.sampled_from(pool) for key, pool in named.items()})
    return st.one_of(st.just(body), real.map(lambda ids: {**body, **ids}))


@schema.parametrize()
@settings(derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_is_documented(case):
    world = WORLD[0]
    EXERCISED[case.operation.label] += 1
    place_in_world(case)
    headers = world.headers
    if "ingestion_id" in (case.path_parameters or {}):
        ingestion_id = case.path_parameters["ingestion_id"]
        headers = {"X-Ingestion-Secret": world.secrets.get(ingestion_id, "fcs_unknown")}
    with transaction.atomic():
        case.call_and_validate(headers=headers, checks=CHECKS)
        transaction.set_rollback(True)


def test_every_operation_was_exercised():
    """Runs after the cases above (pytest keeps a module's order)."""
    operations = {result.ok().label for result in schema.get_all_operations()}
    assert operations - set(EXERCISED) == set()
    print(f"\n{sum(EXERCISED.values())} cases over {len(operations)} operations")
