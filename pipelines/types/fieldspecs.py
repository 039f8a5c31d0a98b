"""Field specs for the editor, derived from the tab forms (the one source of truth)."""

from __future__ import annotations

from django import forms
from django.core import validators

from pipelines.types.registry import VALIDATION_TAB, ComponentType
from pipelines.types.tabs import ComponentAttributeField, EventField


def field_kind(field: forms.Field) -> str:
    if isinstance(field, ComponentAttributeField):
        return "secret" if field.secret else "readonly"
    if isinstance(field, EventField):
        return "event"
    if isinstance(field, forms.BooleanField):
        return "boolean"
    if isinstance(field, forms.IntegerField):
        return "integer"
    if isinstance(field, forms.ChoiceField):
        return "choice"
    if isinstance(field.widget, forms.PasswordInput):
        return "password"
    return "text"


def _bound(field: forms.Field, kind: type) -> int | None:
    for validator in field.validators:
        if isinstance(validator, kind):
            return validator.limit_value
    return None


def field_spec(name: str, field: forms.Field, *, source: str = "config") -> dict:
    initial = field.initial() if callable(field.initial) else field.initial
    kind = field_kind(field)
    choices = None
    if kind == "choice":
        choices = [{"value": v, "label": str(label)} for v, label in field.choices]
    spec = {
        "name": name,
        "label": str(field.label or name.replace("_", " ").title()),
        "kind": kind,
        "required": bool(field.required),
        "read_only": bool(field.disabled),
        "default": initial,
        "choices": choices,
        "min": _bound(field, validators.MinValueValidator),
        "max": _bound(field, validators.MaxValueValidator),
        "help": str(field.help_text or ""),
        "source": "component" if isinstance(field, ComponentAttributeField) else source,
    }
    if isinstance(field, EventField):
        spec["event_kind"] = field.event_kind
    return spec


def form_specs(form_class: type[forms.Form], *, source: str = "config") -> list[dict]:
    return [field_spec(n, f, source=source) for n, f in form_class.base_fields.items()]


def component_type_spec(ctype: ComponentType) -> dict:
    tabs = [{"key": t.key, "label": t.label, "fields": form_specs(t.form)} for t in ctype.tabs]
    if ctype.connection_checks:
        key, label = VALIDATION_TAB
        tabs.append(
            {"key": key, "label": label, "fields": [], "checks": list(ctype.connection_checks)}
        )
    wiring = ctype.wiring
    return {
        "key": ctype.key,
        "label": ctype.label,
        "group": ctype.group,
        "description": ctype.description,
        "inputs": {"min": wiring.min_inputs, "max": wiring.max_inputs},
        "outputs": {"min": wiring.min_outputs, "max": wiring.max_outputs},
        "tabs": tabs,
    }
