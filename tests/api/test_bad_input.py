"""Bad input to the REST API: a 400 that names the field and what is wrong, nothing written.

Names may be in any script and carry emoji; what is refused is empty, too long, or holds
control characters (including the bidirectional overrides that disguise a name).
"""

from __future__ import annotations

import pytest

from pipelines.models import AuditEntry, Component, Connection, Event, Pipeline

pytestmark = pytest.mark.django_db

LONG = "n" * 10_000


def database() -> dict:
    """Every row the API could have written, to compare before and after a refusal."""
    models = (Pipeline, Event, Component, Connection, AuditEntry)
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


@pytest.fixture
def graph(build) -> dict:
    pipeline = build.pipeline("Orders")
    return {
        "pipeline": pipeline,
        "event": build.event(pipeline, "Records"),
        "component": build.component(
            pipeline, "kafka_consumer", "Source", {"meta": {"topic": "transactions"}}
        ),
    }


def name_writes(graph: dict, name) -> list[tuple[str, str, dict]]:
    """Each way to give something a name: create and rename, for each kind of node."""
    pipeline, event, component = graph["pipeline"], graph["event"], graph["component"]
    return [
        ("post", "/api/pipelines/", {"name": name}),
        ("patch", f"/api/pipelines/{pipeline['id']}/", {"name": name}),
        ("post", "/api/events/", {"pipeline": pipeline["id"], "name": name}),
        ("patch", f"/api/events/{event['id']}/", {"name": name}),
        (
            "post",
            "/api/components/",
            {"pipeline": pipeline["id"], "type": "api_ingestion", "name": name},
        ),
        ("patch", f"/api/components/{component['id']}/", {"name": name}),
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "may not be blank"),
        ("   ", "may not be blank"),
        (LONG, "no more than 120 characters"),
        ("bell\x07ringer", "control characters: U+0007 at character 5"),
        ("two\nlines", "control characters: U+000A at character 4"),
        ("tab\tbed", "control characters: U+0009 at character 4"),
        ("nul\x00byte", "Null characters are not allowed"),
        ("\u202egnp.exe", "control characters: U+202E at character 1"),
    ],
    ids=["empty", "blank", "10k", "bell", "newline", "tab", "nul", "bidi-override"],
)
def test_it_refuses_bad_names_everywhere_and_writes_nothing(api, graph, name, message):
    before = database()
    for method, url, body in name_writes(graph, name):
        response = getattr(api, method)(url, body, format="json")
        assert response.status_code == 400, (url, response.content)
        assert any(message in m for m in response.json()["name"]), (url, response.json())
    assert database() == before


@pytest.mark.parametrize(
    "name",
    ["خط الطلبات", "צינור הזמנות", "Orders 🚀", "👩\u200d💻 Team\u200fפיד", "Ünïcødé ✓"],  # noqa: RUF001
    ids=["arabic", "hebrew", "emoji", "zwj-and-rlm", "accents"],
)
def test_it_accepts_names_in_any_script_and_gives_them_back_unchanged(api, graph, name):
    for number, (method, url, body) in enumerate(name_writes(graph, name)):
        body = {**body, "name": f"{name} {number}"}  # node names are unique in a pipeline
        response = getattr(api, method)(url, body, format="json")
        assert response.status_code in (200, 201), (url, response.content)
        shown = api.get(f"/api/{url.split('/')[2]}/{response.json()['id']}/").json()
        assert shown["name"] == body["name"]


SHAPES = {
    "unknown-tab": (
        {"colour": {"x": 1}},
        {"colour": ["Unknown tab; Kafka Consumer has basic, meta, resources."]},
    ),
    "tab-string": (
        {"meta": "transactions"},
        {"meta": ["A tab is an object of fields, not a string."]},
    ),
    "tab-array": (
        {"meta": ["transactions"]},
        {"meta": ["A tab is an object of fields, not an array."]},
    ),
    "object-value": (
        {"meta": {"topic": {"name": "t"}}},
        {"meta": {"topic": ["Expected a single value, not an object."]}},
    ),
    "array-value": (
        {"basic": {"batch_size": [500]}},
        {"basic": {"batch_size": ["Expected a single value, not an array."]}},
    ),
    "string-boolean": (
        {"basic": {"intelligent_scaling": "yes"}},
        {"basic": {"intelligent_scaling": ["Expected true or false, not a string."]}},
    ),
    "word-number": (
        {"basic": {"batch_size": "many"}},
        {"basic": {"batch_size": ["Enter a whole number."]}},
    ),
}


@pytest.mark.parametrize(("config", "errors"), SHAPES.values(), ids=SHAPES.keys())
def test_it_refuses_configs_of_the_wrong_shape_with_messages_by_tab_and_field(
    api, graph, config, errors
):
    url = f"/api/components/{graph['component']['id']}/"
    before = database()
    response = api.patch(url, {"config": config}, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["config"] == errors
    assert database() == before


def test_it_refuses_an_unknown_config_field_naming_the_ones_there_are(api, graph):
    before = database()
    url = f"/api/components/{graph['component']['id']}/"
    response = api.patch(url, {"config": {"resources": {"gpus": 2}}}, format="json")
    assert response.status_code == 400
    [message] = response.json()["config"]["resources"]["gpus"]
    assert message.startswith("Unknown field; Resource Configuration has min_instances,")
    assert database() == before


@pytest.mark.parametrize("body", [[], [None, None], "rev", 7], ids=["[]", "[null]", "str", "int"])
def test_a_body_that_is_not_an_object_is_refused_where_rev_is_read(api, graph, body):
    """DELETE and restore read `rev` from the body: an array there was a 500."""
    pipeline = graph["pipeline"]
    before = database()
    for method, url in [
        ("delete", f"/api/events/{graph['event']['id']}/"),
        ("delete", f"/api/pipelines/{pipeline['id']}/"),
        ("post", f"/api/pipelines/{pipeline['id']}/versions/1/restore/"),
    ]:
        response = getattr(api, method)(url, body, format="json")
        assert response.status_code == 400, (url, response.content)
        assert "JSON object" in response.json()["non_field_errors"][0]
    assert database() == before


def test_a_body_over_the_upload_limit_is_answered_413_in_json(api, graph, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    before = database()
    body = {"name": "Big", "description": "d" * 65 * 1024}
    response = api.post("/api/pipelines/", body, format="json")
    assert response.status_code == 413
    assert response.json() == {"detail": "The body is larger than 65536 bytes."}
    assert database() == before
