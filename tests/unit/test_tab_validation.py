"""Config validation with the tab forms: each rule with its message."""

from __future__ import annotations

import pytest

from pipelines.rules.credentials import MASK
from pipelines.rules.graph import EventNode
from pipelines.types import registry
from pipelines.types.configs import default_config, mask_passwords, merge_config, validate_config

EVENTS = [EventNode(1, "Orders", "kafka"), EventNode(2, "Dead letters", "failover")]


def check(type_key: str, tab: str, values: dict) -> dict:
    ctype = registry.get_type(type_key)
    config = merge_config(ctype, default_config(ctype), {tab: values})
    if type_key == "kafka_consumer":
        config["meta"].setdefault("topic", "transactions")
    _, errors = validate_config(ctype, config, EVENTS)
    return errors.get(tab, {})


@pytest.mark.parametrize(
    ("batch_size", "ok"),
    [(10, True), (500, True), (9, False), (5, False), ("abc", False), (None, False)],
)
def test_batch_size_is_an_integer_of_at_least_ten(batch_size, ok):
    errors = check("websocket_producer", "basic", {"batch_size": batch_size})
    assert ("batch_size" not in errors) is ok


def test_wsp_invocation_type_is_only_real_time():
    errors = check("websocket_producer", "basic", {"invocation_type": "batch"})
    assert "can only be Real-Time" in errors["invocation_type"][0]
    assert check("kafka_consumer", "basic", {"invocation_type": "batch"}) == {}


@pytest.mark.parametrize(
    ("failover", "message"),
    [
        (2, None),
        (None, None),
        (1, "choose a failover event"),
        (42, "not an event of this pipeline"),
    ],
)
def test_failover_event_must_be_a_failover_event_of_the_pipeline(failover, message):
    errors = check("websocket_producer", "basic", {"failover_event": failover})
    if message is None:
        assert errors == {}
    else:
        assert message in errors["failover_event"][0]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"min_instances": 4, "max_instances": 2}, "min_instances"),
        ({"cpu_request": 2000, "cpu_limit": 1000}, "cpu_request"),
        ({"memory_request": 1024, "memory_limit": 512}, "memory_request"),
    ],
)
def test_requests_must_not_exceed_limits(values, field):
    errors = check("websocket_producer", "resources", values)
    assert "must not exceed" in errors[field][0]


def test_read_only_fields_ignore_what_a_client_sends(settings):
    ctype = registry.get_type("websocket_producer")
    config = merge_config(
        ctype, default_config(ctype), {"basic": {"container_image_version": "evil"}}
    )
    cleaned, errors = validate_config(ctype, config, EVENTS)
    assert errors == {}
    assert cleaned["basic"]["container_image_version"] == settings.FLOWCAST_IMAGE


def test_kafka_consumer_needs_a_topic_and_a_sasl_mechanism_with_sasl():
    ctype = registry.get_type("kafka_consumer")
    config = merge_config(ctype, default_config(ctype), {"meta": {"security_protocol": "SASL_SSL"}})
    _, errors = validate_config(ctype, config, EVENTS)
    assert set(errors["meta"]) == {"topic", "sasl_mechanism"}


def test_a_masked_password_sent_back_keeps_the_stored_one():
    ctype = registry.get_type("kafka_consumer")
    current = merge_config(ctype, default_config(ctype), {"meta": {"sasl_password": "hunter2"}})
    assert mask_passwords(ctype, current)["meta"]["sasl_password"] == MASK
    merged = merge_config(ctype, current, {"meta": {"sasl_password": MASK, "topic": "t"}})
    assert merged["meta"]["sasl_password"] == "hunter2"
