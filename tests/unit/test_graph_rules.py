"""The wiring and validation rules of pipelines.rules.graph, table-driven."""

from __future__ import annotations

import pytest

from pipelines.rules.graph import (
    INPUT,
    OUTPUT,
    ComponentNode,
    EventNode,
    Wire,
    Wiring,
    WiringError,
    check_event_reference,
    check_new_wire,
    check_unique_name,
    validate_graph,
    wire_direction,
)

PRODUCER = Wiring(min_inputs=1, max_inputs=1, min_outputs=0, max_outputs=0)
CONSUMER = Wiring(min_inputs=0, max_inputs=0, min_outputs=1, max_outputs=None)


def producer(id=1, name="Feed", failover=None):
    return ComponentNode(id, name, "WebSocket Producer", PRODUCER, failover)


def consumer(id=2, name="Source"):
    return ComponentNode(id, name, "Kafka Consumer", CONSUMER)


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [("component", "event", OUTPUT), ("event", "component", INPUT)],
)
def test_wire_direction_follows_the_drawn_wire(source, target, expected):
    assert wire_direction(source, target) == expected


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("component", "component", "Components connect only through events"),
        ("event", "event", "An event cannot be wired to another event"),
    ],
)
def test_wire_direction_refuses_wires_without_an_event_between(source, target, message):
    with pytest.raises(WiringError, match=message):
        wire_direction(source, target)


def test_wsp_rejects_second_input_event():
    existing = [Wire(10, 1, INPUT)]
    with pytest.raises(WiringError, match="exactly one input event"):
        check_new_wire(Wire(11, 1, INPUT), producer(), existing)


def test_wsp_rejects_any_output_event():
    with pytest.raises(WiringError, match="has no output event"):
        check_new_wire(Wire(10, 1, OUTPUT), producer(), [])


def test_kafka_consumer_rejects_an_input_event():
    with pytest.raises(WiringError, match="has no input event"):
        check_new_wire(Wire(10, 2, INPUT), consumer(), [])


def test_duplicate_wire_is_refused():
    with pytest.raises(WiringError, match="already wired"):
        check_new_wire(Wire(10, 2, OUTPUT), consumer(), [Wire(10, 2, OUTPUT)])


def test_kafka_consumer_accepts_many_outputs():
    existing = [Wire(10, 2, OUTPUT), Wire(11, 2, OUTPUT)]
    check_new_wire(Wire(12, 2, OUTPUT), consumer(), existing)  # no error


@pytest.mark.parametrize(
    ("event_id", "expected"),
    [
        (None, None),
        (7, None),
        (8, "is a kafka event; choose a failover event"),
        (99, "Event 99 is not an event of this pipeline"),
    ],
)
def test_failover_reference_must_be_a_failover_event_of_the_pipeline(event_id, expected):
    events = [EventNode(7, "Dead letters", "failover"), EventNode(8, "Orders", "kafka")]
    problem = check_event_reference(event_id, "failover", events)
    if expected is None:
        assert problem is None
    else:
        assert expected in problem


@pytest.mark.parametrize(
    ("name", "taken", "unique"),
    [("Feed", ["Source"], True), ("Feed", ["feed "], False), ("  Feed", ["Feed"], False)],
)
def test_names_are_unique_within_a_pipeline_ignoring_case_and_spaces(name, taken, unique):
    assert (check_unique_name(name, taken) is None) is unique


def test_validate_graph_accepts_the_demo_graph():
    wires = [Wire(10, 2, OUTPUT), Wire(10, 1, INPUT)]
    errors = validate_graph([producer(), consumer()], [EventNode(10, "Tx", "kafka")], wires)
    assert not errors


def test_validate_graph_reports_every_error_per_component_at_once():
    events = [EventNode(10, "Tx", "kafka"), EventNode(11, "Feed", "kafka")]
    components = [producer(failover=10), consumer()]
    errors = validate_graph(components, events, [])
    assert set(errors.components[1]) == {
        "A WebSocket Producer needs an input event; wire an event into it.",
        "The name 'Feed' is used twice.",
        "Failover Event: Tx is a kafka event; choose a failover event of this pipeline.",
    }
    assert errors.components[2] == ["A Kafka Consumer needs an output event; wire it to an event."]
    assert "Tx is not wired to any component." in errors.events[10]


def test_validate_graph_needs_a_component():
    errors = validate_graph([], [], [])
    assert errors.pipeline == ["A pipeline needs at least one component."]
