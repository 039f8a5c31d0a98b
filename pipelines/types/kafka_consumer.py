"""Kafka Consumer: reads a source topic (possibly on another cluster) into its output events."""

from __future__ import annotations

import logging
import time

from confluent_kafka import Consumer, Producer, TopicPartition
from django import forms

from pipelines.rules.graph import Wiring
from pipelines.runtime import kafka
from pipelines.runtime.deployed_versions import DeployedComponent
from pipelines.runtime.runner import LagSource, Runner
from pipelines.types import registry
from pipelines.types.tabs import BasicForm, MetaForm, ResourcesForm

log = logging.getLogger(__name__)

FLUSH_WAIT = 1.0  # seconds per wait for the output's confirmations, between heartbeats
SECURITY_PROTOCOLS = [(p, p) for p in ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")]
SASL_MECHANISMS = [("", "—"), *[(m, m) for m in ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")]]


class KafkaConsumerMetaForm(MetaForm):
    bootstrap_servers = forms.CharField(
        label="Bootstrap Servers",
        required=False,
        max_length=500,
        help_text="host:port list of the source cluster; empty means Flowcast's own cluster.",
    )
    topic = forms.CharField(label="Topic", max_length=249, help_text="The source topic to read.")
    group_id = forms.CharField(
        label="Consumer Group",
        required=False,
        max_length=200,
        help_text="Empty: derived from the component's GUID.",
    )
    offset_reset = forms.ChoiceField(
        label="Offset Reset",
        choices=[("latest", "latest"), ("earliest", "earliest")],
        initial="latest",
        help_text="Where to start when the group has no committed offset.",
    )
    record_format = forms.ChoiceField(
        label="Record Format",
        choices=[("json", "JSON"), ("text", "Text"), ("bytes", "Bytes")],
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
            self.add_error(
                "sasl_mechanism", "Choose a SASL mechanism for a SASL security protocol."
            )
        return cleaned


# A forwarder gains nothing from waiting for more records: librdkafka batches what it
# produces on its own, and a backlog fills a batch from what is already fetched. Measured
# at 2k records/s, source → event → WebSocket Producer: the 4 ms wait was most of what
# the extra hop added.
FORWARD_FILL_WAIT = 0.0


class KafkaConsumerRunner(Runner):
    """Source topic → every output event, keeping key, headers, timestamp and order.

    A record of source partition p goes to partition p modulo the event's partitions, so
    what Kafka ordered stays ordered (the client library's partitioner would scatter
    unkeyed records at random). Source offsets are stored only after the platform producer
    confirmed the batch (flush), so a crash may repeat records but never drops them. While
    the output is unreachable the batch waits, retried by librdkafka without a deadline.
    """

    def __init__(self, deployed: DeployedComponent):
        super().__init__(deployed)
        self.meta = deployed.config.get("meta") or {}
        self.batch_size = int(deployed.setting("basic", "batch_size", 500))
        self.outputs = [(t.name, t.partitions) for t in deployed.outputs]

    @classmethod
    def lag_source(cls, deployed: DeployedComponent) -> LagSource:
        meta = deployed.config.get("meta") or {}
        return LagSource(
            servers=meta.get("bootstrap_servers") or kafka.bootstrap(),
            group=meta.get("group_id") or f"flowcast.kc.{deployed.guid}",
            topic=meta["topic"],
            offset_reset=meta.get("offset_reset", "latest"),
        )

    def open(self) -> None:
        source = self.lag_source(self.deployed)
        config = kafka.consumer_config(
            source.group,
            offset_reset=source.offset_reset,
            servers=source.servers,
            error_cb=self._on_kafka_error,
            **kafka.source_security(self.meta),
        )
        self.consumer = Consumer(config)
        self.consumer.subscribe(
            [self.meta["topic"]], on_assign=self._on_assign, on_lost=self._on_lost
        )
        # No delivery deadline (message.timeout.ms 0): a record that timed out would be
        # reported to a callback nobody reads, and its offset stored all the same.
        self.producer = Producer(
            kafka.producer_config(error_cb=self._on_kafka_error, **{"message.timeout.ms": 0})
        )

    def step(self) -> None:
        records = self.poll_messages(self.consumer, self.batch_size, FORWARD_FILL_WAIT)
        if not records:
            return
        for m in records:
            for topic, partitions in self.outputs:
                self._produce(topic, m.partition() % partitions, m)
        if not self._flush():
            return  # stopped while the output was away: the next instance reads it again
        offsets = {}
        for m in records:
            offsets[(m.topic(), m.partition())] = m.offset() + 1
        if offsets:
            self.store([TopicPartition(t, p, o) for (t, p), o in offsets.items()])
        self.stats["records_in"] += len(records)
        self.stats["records_out"] += len(records) * len(self.outputs)
        self.stats["batches"] += 1

    def _produce(self, topic: str, partition: int, m) -> None:
        ts_type, ts = m.timestamp()
        kwargs = {"timestamp": ts} if ts_type else {}
        while True:
            try:
                self.producer.produce(
                    topic,
                    value=m.value(),
                    key=m.key(),
                    headers=m.headers(),
                    partition=partition,
                    **kwargs,
                )
                return
            except BufferError:  # local queue full: let deliveries drain
                self.producer.poll(0.1)

    def _flush(self) -> bool:
        """Wait until the output confirmed everything produced; False if stopped first.

        Heartbeats go on meanwhile, so monitoring shows the wait instead of an instance gone.
        """
        since = None
        while (pending := self.producer.flush(FLUSH_WAIT)) > 0:
            if since is None:
                since = time.monotonic()
                log.warning("%s: output not reachable; waiting", self.deployed.name)
            self.stats["last_error"] = f"output topic not reachable: {pending} records waiting"
            self.stats["output_pending"] = pending
            self.heartbeat()
            if self.stopping:
                return False
        if since is not None:
            waited = time.monotonic() - since
            log.warning("%s: output reachable again after %.0f s", self.deployed.name, waited)
            self.stats["output_pending"] = 0
        return True

    def close(self) -> None:
        self._flush()
        try:
            self.consumer.commit(asynchronous=False)
        except Exception as exc:
            log.info("Final commit: %s", exc)
        self.consumer.close()


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
        runner="pipelines.types.kafka_consumer.KafkaConsumerRunner",
        connection_checks=("kafka", "source_topic", "output_topics"),
    )
)
