"""Kafka Consumer: reads a source topic (possibly on another cluster) into its output events."""

from __future__ import annotations

from django import forms

from pipelines import registry
from pipelines.graph import Wiring
from pipelines.tabs import BasicForm, MetaForm, ResourcesForm

SECURITY_PROTOCOLS = [(p, p) for p in ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")]
SASL_MECHANISMS = [("", "—"), *[(m, m) for m in ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")]]


class KafkaConsumerMetaForm(MetaForm):
    bootstrap_servers = forms.CharField(
        label="Bootstrap Servers", required=False, max_length=500,
        help_text="host:port list of the source cluster; empty means Flowcast's own cluster.",
    )
    topic = forms.CharField(label="Topic", max_length=249, help_text="The source topic to read.")
    group_id = forms.CharField(
        label="Consumer Group", required=False, max_length=200,
        help_text="Empty: derived from the component's GUID.",
    )
    offset_reset = forms.ChoiceField(
        label="Offset Reset", choices=[("latest", "latest"), ("earliest", "earliest")],
        initial="latest", help_text="Where to start when the group has no committed offset.",
    )
    record_format = forms.ChoiceField(
        label="Record Format", choices=[("json", "JSON"), ("text", "Text"), ("bytes", "Bytes")],
        initial="json",
    )
    security_protocol = forms.ChoiceField(
        label="Security Protocol", choices=SECURITY_PROTOCOLS, initial="PLAINTEXT"
    )
    sasl_mechanism = forms.ChoiceField(
        label="SASL Mechanism", choices=SASL_MECHANISMS, required=False, initial=""
    )
    sasl_username = forms.CharField(label="SASL Username", required=False, max_length=200)
    sasl_password = forms.CharField(
        label="SASL Password", required=False, max_length=500, widget=forms.PasswordInput
    )

    def clean(self):
        cleaned = super().clean()
        uses_sasl = str(cleaned.get("security_protocol", "")).startswith("SASL")
        if uses_sasl and not cleaned.get("sasl_mechanism"):
            self.add_error("sasl_mechanism", "Choose a SASL mechanism for a SASL security protocol.")
        return cleaned


KAFKA_CONSUMER = registry.register(
    registry.ComponentType(
        key="kafka_consumer",
        label="Kafka Consumer",
        group="consumers",
        description="Reads a Kafka topic and forwards its records, key, headers and timestamp.",
        tabs=(
            registry.Tab("basic", "Basic Information", BasicForm),
            registry.Tab("meta", "Meta Information", KafkaConsumerMetaForm),
            registry.Tab("resources", "Resource Configuration", ResourcesForm),
        ),
        wiring=Wiring(min_inputs=0, max_inputs=0, min_outputs=1, max_outputs=None),
        connection_checks=("kafka", "source_topic", "output_topics"),
    )
)
