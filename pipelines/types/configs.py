"""A component's config: defaults, merging a partial edit, validation with the tab forms."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django import forms

from pipelines.rules.credentials import MASK
from pipelines.rules.graph import EventNode
from pipelines.types.registry import ComponentType, Tab
from pipelines.types.tabs import ComponentAttributeField


def _initial(field: forms.Field):
    value = field.initial
    return value() if callable(value) else value


def default_config(ctype: ComponentType) -> dict[str, dict]:
    return {
        tab.key: {
            name: _initial(field)
            for name, field in tab.form.base_fields.items()
            if not isinstance(field, ComponentAttributeField)
        }
        for tab in ctype.tabs
    }


def merge_config(ctype: ComponentType, current: Mapping, incoming: Mapping) -> dict[str, dict]:
    """Apply an edit tab by tab over the current config; a masked password keeps its value."""
    merged = {tab.key: dict(current.get(tab.key) or {}) for tab in ctype.tabs}
    for tab in ctype.tabs:
        for name, value in (incoming.get(tab.key) or {}).items():
            if _is_password(tab, name) and value == MASK:
                continue
            merged[tab.key][name] = value
    return merged


def shape_errors(ctype: ComponentType, incoming: Mapping) -> dict[str, object]:
    """What an edit gets wrong before its fields are judged: tabs that do not exist or are
    not objects, fields a tab does not have, values of the wrong JSON type."""
    tabs = {tab.key: tab for tab in ctype.tabs}
    errors: dict[str, object] = {}
    for key, values in incoming.items():
        tab = tabs.get(key)
        if tab is None:
            errors[key] = [f"Unknown tab; {ctype.label} has {', '.join(tabs)}."]
        elif not isinstance(values, Mapping):
            errors[key] = [f"A tab is an object of fields, not {_json_type(values)}."]
        else:
            problems = {name: _field_problem(tab, name, value) for name, value in values.items()}
            if any(problems.values()):
                errors[key] = {name: [p] for name, p in problems.items() if p}
    return errors


def _field_problem(tab: Tab, name: str, value: object) -> str | None:
    field = tab.form.base_fields.get(name)
    if field is None:
        return f"Unknown field; {tab.label} has {', '.join(tab.form.base_fields)}."
    if value is None:
        return None  # empty: the field's own rules say whether that is allowed
    if isinstance(value, Mapping | list):
        return f"Expected a single value, not {_json_type(value)}."
    if isinstance(field, forms.BooleanField) and not isinstance(value, bool):
        return f"Expected true or false, not {_json_type(value)}."
    return None


def _json_type(value: object) -> str:
    for kind, name in ((bool, "a boolean"), (int | float, "a number"), (str, "a string")):
        if isinstance(value, kind):
            return name
    return "an array" if isinstance(value, list) else "an object" if value is not None else "null"


def validate_config(
    ctype: ComponentType, config: Mapping, events: Iterable[EventNode]
) -> tuple[dict[str, dict], dict[str, dict]]:
    """Clean every tab; returns (config, errors by tab and field). All errors at once."""
    events = list(events)
    defaults = default_config(ctype)
    cleaned: dict[str, dict] = {}
    errors: dict[str, dict] = {}
    for tab in ctype.tabs:
        data = {**defaults[tab.key], **(config.get(tab.key) or {})}
        form = tab.form(data=data, events=events)
        if form.is_valid():
            cleaned[tab.key] = form.config_values()
        else:
            errors[tab.key] = {field: list(msgs) for field, msgs in form.errors.items()}
    return cleaned, errors


def mask_passwords(ctype: ComponentType, config: Mapping) -> dict[str, dict]:
    """The config as the API shows it: stored passwords replaced by the mask."""
    shown = {key: dict(values or {}) for key, values in config.items()}
    for tab in ctype.tabs:
        for name in shown.get(tab.key, {}):
            if _is_password(tab, name) and shown[tab.key][name]:
                shown[tab.key][name] = MASK
    return shown


def _is_password(tab: Tab, name: str) -> bool:
    field = tab.form.base_fields.get(name)
    return field is not None and isinstance(field.widget, forms.PasswordInput)
