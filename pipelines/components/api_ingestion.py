"""API Ingestion: clients POST JSON to its URL; the records go to its output events."""

from __future__ import annotations

from django import forms

from pipelines import registry
from pipelines.graph import Wiring
from pipelines.tabs import BasicForm, MetaForm, ResourcesForm


class ApiIngestionMetaForm(MetaForm):
    max_body_kb = forms.IntegerField(
        label="Maximum Request Size (KB)", min_value=1, max_value=10_240, initial=1024,
        help_text="Larger requests are refused with 413.",
    )


API_INGESTION = registry.register(
    registry.ComponentType(
        key="api_ingestion",
        label="API Ingestion",
        group="readers",
        description="Accepts JSON records over HTTP POST, authenticated by its Ingestion Secret.",
        tabs=(
            registry.Tab("basic", "Basic Information", BasicForm),
            registry.Tab("meta", "Meta Information", ApiIngestionMetaForm),
            registry.Tab("resources", "Resource Configuration", ResourcesForm),
        ),
        wiring=Wiring(min_inputs=0, max_inputs=0, min_outputs=1, max_outputs=None),
        endpoint=("http", "/api/ingest/{}/"),
        connection_checks=("kafka", "output_topics"),
    )
)
