"""The component-type registry and the field specs derived from the tab forms."""

from __future__ import annotations

import pytest

from pipelines.exceptions import UnknownComponentType
from pipelines.rules.graph import Wiring
from pipelines.types import registry
from pipelines.types.fieldspecs import component_type_spec


def fields(type_key: str, tab: str) -> dict[str, dict]:
    spec = component_type_spec(registry.get_type(type_key))
    tab_spec = next(t for t in spec["tabs"] if t["key"] == tab)
    return {f["name"]: f for f in tab_spec["fields"]}


def test_the_three_types_are_registered_with_their_groups():
    groups = {t.key: t.group for t in registry.all_types()}
    assert groups == {
        "api_ingestion": "readers",
        "kafka_consumer": "consumers",
        "websocket_producer": "producers",
    }


@pytest.mark.parametrize("type_key", ["websocket_producer", "kafka_consumer", "api_ingestion"])
def test_every_type_has_the_documented_tabs(type_key):
    spec = component_type_spec(registry.get_type(type_key))
    assert [(t["key"], t["label"]) for t in spec["tabs"]] == [
        ("basic", "Basic Information"),
        ("meta", "Meta Information"),
        ("resources", "Resource Configuration"),
        ("validation", "Connection Validation"),
    ]


def test_deployment_type_and_image_version_are_preselected_and_read_only(settings):
    basic = fields("websocket_producer", "basic")
    for name in ("deployment_type", "container_image_version"):
        assert basic[name]["read_only"] is True
        assert basic[name]["default"]
    assert basic["container_image_version"]["default"] == settings.FLOWCAST_IMAGE


def test_batch_size_spec_is_a_required_integer_of_at_least_ten():
    spec = fields("websocket_producer", "basic")["batch_size"]
    assert (spec["kind"], spec["required"], spec["min"], spec["label"]) == (
        "integer",
        True,
        10,
        "Batch Size",
    )


def test_wsp_invocation_type_offers_only_real_time():
    spec = fields("websocket_producer", "basic")["invocation_type"]
    assert spec["choices"] == [{"value": "real_time", "label": "Real-Time"}]


def test_failover_event_is_an_event_reference_of_kind_failover():
    spec = fields("websocket_producer", "basic")["failover_event"]
    assert (spec["kind"], spec["event_kind"], spec["required"]) == ("event", "failover", False)


def test_identity_fields_come_from_the_component_and_the_secret_is_marked():
    meta = fields("websocket_producer", "meta")
    assert {n: (f["kind"], f["source"]) for n, f in meta.items() if f["source"] == "component"} == {
        "guid": ("readonly", "component"),
        "ingestion_id": ("readonly", "component"),
        "ingestion_secret": ("secret", "component"),
    }
    assert meta["frame_format"]["default"] == "envelope"
    assert [c["value"] for c in meta["frame_format"]["choices"]] == [
        "envelope",
        "batch",
        "columns",
        "raw",
    ]


def test_kafka_consumer_meta_has_the_source_settings_and_a_password_kind():
    meta = fields("kafka_consumer", "meta")
    for name in ("bootstrap_servers", "topic", "group_id", "offset_reset", "record_format"):
        assert name in meta
    assert meta["topic"]["required"] is True
    assert meta["sasl_password"]["kind"] == "password"


def test_wiring_of_the_producer_is_one_input_no_output():
    spec = component_type_spec(registry.get_type("websocket_producer"))
    assert spec["inputs"] == {"min": 1, "max": 1}
    assert spec["outputs"] == {"min": 0, "max": 0}


def test_unknown_type_names_the_bad_key():
    with pytest.raises(UnknownComponentType, match="'mqtt_bridge'"):
        registry.get_type("mqtt_bridge")


def test_registering_a_different_type_under_a_taken_key_is_refused():
    clash = registry.ComponentType(
        key="websocket_producer",
        label="Other",
        group="producers",
        description="",
        tabs=(),
        wiring=Wiring(),
    )
    with pytest.raises(ValueError, match="registered twice"):
        registry.register(clash)
