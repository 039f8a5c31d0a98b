"""Event kinds: their labels, their form, and how a topic name is derived."""

from __future__ import annotations

import re

from django import forms

from pipelines.models import DEFAULT_PARTITIONS, MAX_PARTITIONS, RETENTION_CHOICES, Event
from pipelines.rules.names import name_problem

EVENT_KIND_LABELS = dict(Event.Kind.choices)
DERIVED_TOPIC_KINDS = {Event.Kind.KAFKA, Event.Kind.FAILOVER}
_TOPIC_CHARS = re.compile(r"[^a-zA-Z0-9._-]+")
_VALID_TOPIC = re.compile(r"^[a-zA-Z0-9._-]{1,249}$")


def derived_topic(pipeline_id: int, event_name: str, event_id_hint: str) -> str:
    """A private topic per pipeline and event, stable once made (renames keep it)."""
    slug = _TOPIC_CHARS.sub("-", event_name.strip().lower()).strip("-") or "event"
    return f"flowcast.p{pipeline_id}.{slug[:80]}.{event_id_hint}"


class EventForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)
    topic = forms.CharField(
        label="Topic",
        max_length=249,
        required=False,
        help_text="Shared events name an existing topic; other kinds get a private one.",
    )
    partitions = forms.IntegerField(
        label="Partitions", min_value=1, max_value=MAX_PARTITIONS, initial=DEFAULT_PARTITIONS
    )
    retention_hours = forms.TypedChoiceField(
        label="Event Duration",
        choices=RETENTION_CHOICES,
        coerce=int,
        initial=168,
        help_text="How long the topic keeps records (its retention).",
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind in DERIVED_TOPIC_KINDS:
            self.fields["topic"].disabled = True
        else:
            self.fields["topic"].required = True

    def clean_name(self) -> str:
        name = self.cleaned_data.get("name") or ""
        problem = name_problem(name)
        if problem:
            raise forms.ValidationError(problem)
        return name

    def clean_topic(self) -> str:
        topic = (self.cleaned_data.get("topic") or "").strip()
        if topic and not _VALID_TOPIC.match(topic):
            raise forms.ValidationError(
                f"{topic!r} is not a valid Kafka topic name: use letters, digits, '.', '_' and '-'."
            )
        return topic


def event_kind_specs() -> list[dict]:
    from pipelines.types.fieldspecs import field_spec

    specs = []
    for kind, label in Event.Kind.choices:
        form = EventForm(kind=kind)
        fields = [field_spec(n, f, source="event") for n, f in form.fields.items()]
        specs.append({"key": kind, "label": str(label), "fields": fields})
    return specs
