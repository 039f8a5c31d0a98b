"""Tab forms shared by the component types, and the special fields they use.

A tab is a plain Django form: the API serves its field specs, the server validates a
component's config with it, the admin reuses it. Type modules compose these.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.conf import settings

from pipelines.rules.graph import EventNode, check_event_reference

INVOCATION_CHOICES = [("real_time", "Real-Time"), ("batch", "Batch")]


class EventField(forms.TypedChoiceField):
    """A reference to one of the pipeline's events of a given kind (id or empty)."""

    def __init__(self, *, event_kind: str, **kwargs):
        self.event_kind = event_kind
        kwargs.setdefault("required", False)
        super().__init__(coerce=int, empty_value=None, choices=[], **kwargs)

    def valid_value(self, value) -> bool:
        # The pipeline's events are checked in TabForm.clean with a message that says why.
        return True

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise forms.ValidationError(f"{value!r} is not an event id.") from None


class ComponentAttributeField(forms.CharField):
    """Shown in a tab but owned by the component itself (GUID, Ingestion ID/Secret)."""

    def __init__(self, *, secret: bool = False, **kwargs):
        self.secret = secret
        super().__init__(required=False, disabled=True, **kwargs)


class TabForm(forms.Form):
    """Validates one tab of a component's config against the pipeline's events."""

    def __init__(self, *args, events: Iterable[EventNode] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.events = list(events)

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            if isinstance(field, EventField) and name in cleaned:
                problem = check_event_reference(cleaned[name], field.event_kind, self.events)
                if problem:
                    self.add_error(name, problem)
        return cleaned

    def config_values(self) -> dict:
        """The cleaned values that belong in the component's config."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if not isinstance(self.fields[name], ComponentAttributeField)
        }


def deployment_type() -> str:
    return settings.FLOWCAST["DEPLOYMENT_TYPE"]


def image_version() -> str:
    return settings.FLOWCAST_IMAGE


class BasicForm(TabForm):
    invocation_type = forms.ChoiceField(
        label="Invocation Type", choices=INVOCATION_CHOICES, initial="real_time"
    )
    deployment_type = forms.CharField(
        label="Deployment Type",
        disabled=True,
        required=False,
        initial=deployment_type,
        help_text="Where the component's instances run; set by the platform.",
    )
    container_image_version = forms.CharField(
        label="Container Image Version",
        disabled=True,
        required=False,
        initial=image_version,
        help_text="The Flowcast version that runs the component.",
    )
    failover_event = EventField(
        label="Failover Event",
        event_kind="failover",
        help_text="Records this component cannot handle go here, with the error in headers.",
    )
    batch_size = forms.IntegerField(
        label="Batch Size",
        min_value=10,
        max_value=100_000,
        initial=500,
        help_text="Records read and forwarded together; larger batches mean fewer frames.",
    )
    intelligent_scaling = forms.BooleanField(
        label="Intelligent Scaling",
        required=False,
        initial=False,
        help_text="Add instances above 60 % of the lag threshold, remove them below 10 %.",
    )


class MetaForm(TabForm):
    guid = ComponentAttributeField(
        label="GUID", help_text="Assigned the first time Update Pipeline includes the component."
    )
    ingestion_id = ComponentAttributeField(
        label="Ingestion ID", help_text="Identifies this component to its clients."
    )
    ingestion_secret = ComponentAttributeField(
        label="Ingestion Secret",
        secret=True,
        help_text="Authenticates clients; regenerating it closes the sessions that use it.",
    )


class ResourcesForm(TabForm):
    min_instances = forms.IntegerField(
        label="Minimum Instances", min_value=0, max_value=100, initial=1
    )
    max_instances = forms.IntegerField(
        label="Maximum Instances", min_value=1, max_value=100, initial=3
    )
    cpu_request = forms.IntegerField(
        label="CPU Request (millicores)",
        min_value=10,
        max_value=64_000,
        initial=250,
        help_text="1000 millicores = 1 core.",
    )
    cpu_limit = forms.IntegerField(
        label="CPU Limit (millicores)", min_value=10, max_value=64_000, initial=1000
    )
    memory_request = forms.IntegerField(
        label="Memory Request (MB)",
        min_value=32,
        max_value=262_144,
        initial=256,
        help_text="1024 MB = 1 GB.",
    )
    memory_limit = forms.IntegerField(
        label="Memory Limit (MB)", min_value=32, max_value=262_144, initial=512
    )
    lag_threshold = forms.IntegerField(
        label="Lag Threshold (records)",
        min_value=1,
        initial=10_000,
        help_text="Consumer lag that counts as 100 % for Intelligent Scaling.",
    )

    def clean(self):
        cleaned = super().clean()
        self._ordered(
            cleaned, "min_instances", "max_instances", "Minimum instances", "maximum instances"
        )
        self._ordered(cleaned, "cpu_request", "cpu_limit", "CPU request", "CPU limit")
        self._ordered(cleaned, "memory_request", "memory_limit", "Memory request", "memory limit")
        return cleaned

    def _ordered(self, cleaned: dict, low: str, high: str, low_label: str, high_label: str) -> None:
        lo, hi = cleaned.get(low), cleaned.get(high)
        if lo is not None and hi is not None and lo > hi:
            self.add_error(low, f"{low_label} ({lo}) must not exceed {high_label} ({hi}).")
