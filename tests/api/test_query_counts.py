"""List endpoints run a fixed number of database queries per page, however many rows it has.

Every list is read with 2 rows and again with 10, the rows spread over pipelines that alice
owns, that bob shares with her and that bob shares with her group: the page must cost the
same number of queries. Only database queries count (the live status that `/api/producers/`
reads from Redis does not). Each page is asked for twice and the second is counted: a
deployed version is parsed once per process (pipelines.runtime.deployed_versions), not once
per page.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pipelines.models import Component
from pipelines.rules.scaling import Decision
from pipelines.runtime import deployed_versions
from pipelines.services.scaling import record_scaling_decision
from tests.api.conftest import Graph

pytestmark = pytest.mark.django_db


@dataclass
class Site:
    """alice's view of a site: her pipelines and bob's, some shared with her team."""

    alice: Graph
    bob: Graph
    team: Group
    serial: itertools.count = field(default_factory=itertools.count)
    fixed: dict = field(default_factory=dict)  # the one pipeline of a per-pipeline list

    def pipeline(self) -> tuple[Graph, dict]:
        """A new pipeline alice sees: in turn hers, bob's shared with her, bob's shared with
        her team. Returns it with the client of its owner, who may build in it."""
        n = next(self.serial)
        if n % 3 == 0:
            return self.alice, self.alice.pipeline(f"Mine {n}")
        pipeline = self.bob.pipeline(f"Shared {n}")
        who = {"user": "alice"} if n % 3 == 1 else {"group": self.team.name}
        share(self.bob, pipeline, role="viewer", **who)
        return self.bob, pipeline

    def demo(self) -> tuple[Graph, dict, list[dict]]:
        """A new pipeline alice sees, with Kafka Consumer → event → WebSocket Producer."""
        graph, pipeline = self.pipeline()
        return graph, pipeline, wire_demo(graph, pipeline)

    def fixed_pipeline(self) -> tuple[dict, list[dict]]:
        """alice's pipeline for the per-pipeline lists (made once), bob its editor."""
        if not self.fixed:
            pipeline = self.alice.pipeline("Fixed")
            components = wire_demo(self.alice, pipeline)
            share(self.alice, pipeline, role="editor", user="bob")
            self.fixed.update(pipeline=pipeline, components=components)
        return self.fixed["pipeline"], self.fixed["components"]


def wire_demo(graph: Graph, pipeline: dict) -> list[dict]:
    """Kafka Consumer → event → WebSocket Producer; returns the two components."""
    topic = {"meta": {"topic": f"records-{pipeline['id']}"}}
    source = graph.component(pipeline, "kafka_consumer", "Source", topic)
    event = graph.event(pipeline, "Records")
    producer = graph.component(pipeline, "websocket_producer", "Feed")
    graph.wire(event, source, "output")
    graph.wire(event, producer, "input")
    return [source, producer]


def share(graph: Graph, pipeline: dict, *, role: str, **who: str) -> None:
    graph.post("/api/grants/", {"pipeline": pipeline["id"], "role": role, **who})


def deploy(graph: Graph, pipeline: dict, *, activate: bool) -> None:
    graph.post(f"/api/pipelines/{pipeline['id']}/update/", {}, expect=200)
    if activate:
        graph.post(f"/api/pipelines/{pipeline['id']}/activate/", {}, expect=200)


# --- One way per list to add n rows to what alice sees; each returns the list's URL ---------


def add_pipelines(site: Site, n: int) -> str:
    for i in range(n):
        graph, pipeline = site.pipeline()
        if i % 2:
            share(graph, pipeline, role="editor", user="carol")
    return "/api/pipelines/"


def add_events(site: Site, n: int) -> str:
    for _ in range(n):
        graph, pipeline = site.pipeline()
        graph.event(pipeline, "Orders")
    return "/api/events/"


def add_components(site: Site, n: int) -> str:
    types = itertools.cycle(["kafka_consumer", "websocket_producer", "api_ingestion"])
    for _ in range(n):
        graph, pipeline = site.pipeline()
        graph.component(pipeline, next(types), "Part")
    return "/api/components/"


def add_connections(site: Site, n: int) -> str:
    for _ in range(n // 2):  # two wires per demo
        site.demo()
    return "/api/connections/"


def add_producers(site: Site, n: int) -> str:
    """Draft, active and deactivated producers in turn: each reads its deployment."""
    for i in range(n):
        graph, pipeline, _ = site.demo()
        if i % 3:
            deploy(graph, pipeline, activate=True)
        if i % 3 == 2:
            graph.post(f"/api/pipelines/{pipeline['id']}/deactivate/", {}, expect=200)
    return "/api/producers/"


def add_grants(site: Site, n: int) -> str:
    """alice's pipelines shared with bob and with her team in turn."""
    for i in range(n):
        pipeline = site.alice.pipeline(f"To share {next(site.serial)}")
        who = {"user": "bob"} if i % 2 else {"group": site.team.name}
        share(site.alice, pipeline, role="viewer", **who)
    return "/api/grants/"


def add_audit_entries(site: Site, n: int) -> str:
    """One entry each: alice sharing her pipeline, bob sharing his with alice."""
    for i in range(n):
        owner, guest = (site.alice, "bob") if i % 2 else (site.bob, "alice")
        pipeline = owner.pipeline(f"Audited {next(site.serial)}")
        share(owner, pipeline, role="viewer", user=guest)
    return "/api/audit/"


def add_versions(site: Site, n: int) -> str:
    """Deploys by alice and by bob, her editor, in turn."""
    pipeline, _ = site.fixed_pipeline()
    for i in range(n):
        deploy(site.bob if i % 2 else site.alice, pipeline, activate=False)
    return f"/api/pipelines/{pipeline['id']}/versions/"


def add_scaling_decisions(site: Site, n: int) -> str:
    """Decisions for the consumer and the producer of an active pipeline in turn."""
    pipeline, components = site.fixed_pipeline()
    if "deployed" not in site.fixed:
        deploy(site.alice, pipeline, activate=True)
        site.fixed["deployed"] = True
    guids = Component.objects.filter(pk__in=[c["id"] for c in components]).values_list("guid")
    cycle = itertools.cycle([deployed_versions.find(str(guid)) for (guid,) in guids])
    for at in range(n):
        record_scaling_decision(next(cycle), Decision(at, 1400, 1000, 1.4, 1, 2, "up", "lag"))
    return f"/api/pipelines/{pipeline['id']}/scaling/"


LISTS: dict[str, Callable[[Site, int], str]] = {
    "pipelines": add_pipelines,
    "events": add_events,
    "components": add_components,
    "connections": add_connections,
    "producers": add_producers,
    "grants": add_grants,
    "audit": add_audit_entries,
    "versions": add_versions,
    "scaling": add_scaling_decisions,
}


@pytest.fixture
def site(api, bob_api, alice, bob, django_user_model) -> Site:
    django_user_model.objects.create_user("carol", password="carol-pass-123")
    team = Group.objects.create(name="Payments team")
    alice.groups.add(team)
    return Site(Graph(api), Graph(bob_api), team)


def page_queries(api, url: str, rows: int) -> list[str]:
    """The SQL of one read of the list's first page, which must hold `rows` rows."""
    api.get(url)  # see the module docstring: the second read is the one counted
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200, response.content
    assert response.json()["count"] == rows, response.json()
    return [query["sql"] for query in captured]


@pytest.mark.parametrize("add", LISTS.values(), ids=LISTS.keys())
def test_a_list_page_runs_as_many_queries_for_10_rows_as_for_2(api, site, add):
    url = add(site, 2)
    with_two = page_queries(api, url, 2)
    add(site, 8)
    with_ten = page_queries(api, url, 10)
    assert len(with_ten) == len(with_two), "\n".join(
        [f"{url}: {len(with_two)} queries for 2 rows, {len(with_ten)} for 10:", *with_ten]
    )
