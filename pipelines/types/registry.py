"""The one registry of component types. Nothing else switches on type names.

Each type module (pipelines/types/api_ingestion.py, kafka_consumer.py, producer/component.py)
registers a ComponentType on import; the API, the editor, the admin and the workers look
types up here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms

from pipelines.exceptions import UnknownComponentType
from pipelines.rules.graph import Wiring

PALETTE_GROUPS = [
    ("readers", "Readers"),
    ("consumers", "Consumers"),
    ("producers", "Producers"),
]
VALIDATION_TAB = ("validation", "Connection Validation")


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    form: type[forms.Form]


@dataclass(frozen=True)
class ComponentType:
    key: str
    label: str
    group: str
    description: str
    tabs: tuple[Tab, ...]
    wiring: Wiring
    # Dotted path of the runner class the worker starts for this type.
    runner: str | None = None
    connection_checks: tuple[str, ...] = field(default=())
    # Where clients reach an instance: ("ws" | "http", path with {} for the Ingestion ID).
    endpoint: tuple[str, str] | None = None

    def tab(self, key: str) -> Tab | None:
        return next((t for t in self.tabs if t.key == key), None)

    @property
    def streams(self) -> str | None:
        """How its clients reach it: "ws" (they subscribe), "http" (they post), or None."""
        return self.endpoint[0] if self.endpoint else None


_types: dict[str, ComponentType] = {}


def register(component_type: ComponentType) -> ComponentType:
    existing = _types.get(component_type.key)
    if existing is not None and existing != component_type:
        raise ValueError(f"Component type {component_type.key!r} is registered twice.")
    _types[component_type.key] = component_type
    return component_type


def get_type(key: str) -> ComponentType:
    try:
        return _types[key]
    except KeyError:
        known = ", ".join(sorted(_types))
        raise UnknownComponentType(
            f"Unknown component type {key!r}; known types: {known}."
        ) from None


def all_types() -> list[ComponentType]:
    order = [g for g, _ in PALETTE_GROUPS]
    return sorted(_types.values(), key=lambda t: (order.index(t.group), t.label))


def streaming_types() -> list[str]:
    """Keys of the types whose clients subscribe over WebSocket."""
    return [t.key for t in all_types() if t.streams == "ws"]


def type_choices() -> list[tuple[str, str]]:
    return [(t.key, t.label) for t in all_types()]
