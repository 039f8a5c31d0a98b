"""The wiring and validation rules of a pipeline graph, as pure functions over plain data.

No Django here: the server runs these on every write and on Update Pipeline, and the editor
mirrors them (frontend/src/editor/validation.ts) for instant feedback only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

INPUT = "input"  # event → component
OUTPUT = "output"  # component → event
COMPONENT = "component"
EVENT = "event"


@dataclass(frozen=True)
class Wiring:
    """How many wires a component type accepts; None means no upper bound."""

    min_inputs: int = 0
    max_inputs: int | None = None
    min_outputs: int = 0
    max_outputs: int | None = None


@dataclass(frozen=True)
class ComponentNode:
    id: int
    name: str
    type_label: str
    wiring: Wiring
    failover_event: int | None = None


@dataclass(frozen=True)
class EventNode:
    id: int
    name: str
    kind: str


@dataclass(frozen=True)
class Wire:
    event: int
    component: int
    direction: str


@dataclass
class GraphErrors:
    """All problems of a graph at once, keyed by the node they belong to."""

    pipeline: list[str] = field(default_factory=list)
    components: dict[int, list[str]] = field(default_factory=dict)
    events: dict[int, list[str]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.pipeline or self.components or self.events)

    def add_component(self, component_id: int, message: str) -> None:
        self.components.setdefault(component_id, []).append(message)

    def add_event(self, event_id: int, message: str) -> None:
        self.events.setdefault(event_id, []).append(message)


class WiringError(ValueError):
    """A wire that the rules refuse; the message says why, for people."""


def wire_direction(source_kind: str, target_kind: str) -> str:
    """The direction of a wire drawn from source to target, or why it cannot exist."""
    if source_kind == COMPONENT and target_kind == EVENT:
        return OUTPUT
    if source_kind == EVENT and target_kind == COMPONENT:
        return INPUT
    if source_kind == target_kind == COMPONENT:
        raise WiringError(
            "Components connect only through events: put an event between the two components."
        )
    raise WiringError("An event cannot be wired to another event: put a component between them.")


def check_new_wire(wire: Wire, component: ComponentNode, existing: Iterable[Wire]) -> None:
    """Refuse a wire that duplicates one or exceeds what the component type accepts."""
    existing = list(existing)
    if wire in existing:
        raise WiringError(f"{component.name} is already wired to this event.")
    same_way = sum(
        1 for w in existing if w.component == wire.component and w.direction == wire.direction
    )
    limit = component.wiring.max_inputs if wire.direction == INPUT else component.wiring.max_outputs
    if limit is not None and same_way >= limit:
        raise WiringError(_limit_message(component, wire.direction, limit))


def _limit_message(component: ComponentNode, direction: str, limit: int) -> str:
    noun = "input event" if direction == INPUT else "output event"
    if limit == 0:
        return f"A {component.type_label} has no {noun}."
    if limit == 1:
        return f"A {component.type_label} has exactly one {noun}; {component.name} already has it."
    return f"A {component.type_label} accepts at most {limit} {noun}s."


def check_event_reference(
    event_id: int | None, kind: str, events: Iterable[EventNode]
) -> str | None:
    """Why a config's reference to an event is wrong, or None when it is fine."""
    if event_id is None:
        return None
    match = next((e for e in events if e.id == event_id), None)
    if match is None:
        return f"Event {event_id} is not an event of this pipeline."
    if match.kind != kind:
        return f"{match.name} is a {match.kind} event; choose a {kind} event of this pipeline."
    return None


def check_unique_name(name: str, taken: Iterable[str]) -> str | None:
    if name.strip().casefold() in {t.strip().casefold() for t in taken}:
        return f"The name {name!r} is already used in this pipeline."
    return None


def validate_graph(
    components: Iterable[ComponentNode], events: Iterable[EventNode], wires: Iterable[Wire]
) -> GraphErrors:
    """Every rule over the whole graph; Update Pipeline refuses a graph with any error."""
    components, events, wires = list(components), list(events), list(wires)
    errors = GraphErrors()
    if not components:
        errors.pipeline.append("A pipeline needs at least one component.")
    _check_names(components, events, errors)
    for component in components:
        for message in _wire_count_errors(component, wires):
            errors.add_component(component.id, message)
        problem = check_event_reference(component.failover_event, "failover", events)
        if problem:
            errors.add_component(component.id, f"Failover Event: {problem}")
    _check_unwired_events(events, wires, errors)
    return errors


def _check_names(
    components: list[ComponentNode], events: list[EventNode], errors: GraphErrors
) -> None:
    counts = Counter(n.name.strip().casefold() for n in [*components, *events])
    for component in components:
        if counts[component.name.strip().casefold()] > 1:
            errors.add_component(component.id, f"The name {component.name!r} is used twice.")
    for event in events:
        if counts[event.name.strip().casefold()] > 1:
            errors.add_event(event.id, f"The name {event.name!r} is used twice.")


def _wire_count_errors(component: ComponentNode, wires: list[Wire]) -> list[str]:
    inputs = sum(1 for w in wires if w.component == component.id and w.direction == INPUT)
    outputs = sum(1 for w in wires if w.component == component.id and w.direction == OUTPUT)
    rules = component.wiring
    label = component.type_label
    messages = []
    if inputs < rules.min_inputs:
        messages.append(f"A {label} needs an input event; wire an event into it.")
    if rules.max_inputs is not None and inputs > rules.max_inputs:
        messages.append(_limit_message(component, INPUT, rules.max_inputs))
    if outputs < rules.min_outputs:
        messages.append(f"A {label} needs an output event; wire it to an event.")
    if rules.max_outputs is not None and outputs > rules.max_outputs:
        messages.append(_limit_message(component, OUTPUT, rules.max_outputs))
    return messages


def _check_unwired_events(events: list[EventNode], wires: list[Wire], errors: GraphErrors) -> None:
    wired = {w.event for w in wires}
    for event in events:
        if event.id not in wired and event.kind == "kafka":
            errors.add_event(event.id, f"{event.name} is not wired to any component.")


def errors_as_json(errors: GraphErrors) -> Mapping[str, object]:
    return {
        "pipeline": errors.pipeline,
        "components": {str(k): v for k, v in errors.components.items()},
        "events": {str(k): v for k, v in errors.events.items()},
    }
