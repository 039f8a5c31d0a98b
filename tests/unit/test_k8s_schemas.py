"""Every manifest export_k8s writes is valid, offline: the Kubernetes kinds against the API's
own schemas (kubernetes-validate ships them), ScaledObjects against KEDA's CRD schema
(tests/fixtures/keda-scaledobject-crd.yaml).

Strict, as `kubectl apply --validate=strict` is: an unknown field is an error, not
something the API server silently drops.
"""

from __future__ import annotations

import copy
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

pytestmark = pytest.mark.django_db

# The oldest Kubernetes the manifests are meant for, and the newest the package knows.
VERSIONS = ["1.27", kubernetes_validate.utils.latest_version()]
KEDA_CRD = Path(__file__).parent.parent / "fixtures" / "keda-scaledobject-crd.yaml"


def keda_schema() -> dict:
    crd = yaml.safe_load(KEDA_CRD.read_text())
    [version] = [v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1"]
    return strict(version["schema"]["openAPIV3Schema"])


def strict(schema: dict) -> dict:
    """The CRD's structural schema with unknown fields refused, as strict field validation
    does: every object with declared properties gets additionalProperties false."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if "properties" in node and "additionalProperties" not in node:
                node["additionalProperties"] = False
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return schema


def validate_kubernetes(document: dict) -> None:
    for version in VERSIONS:
        kubernetes_validate.validate(document, version, strict=True)


def validate_object_meta(document: dict) -> None:
    """The CRD leaves metadata to the API server, which checks it as for any kind."""
    validate_kubernetes({"apiVersion": "v1", "kind": "ConfigMap", "metadata": document["metadata"]})


@pytest.fixture
def documents(card_payments, k8s_export) -> list[dict]:
    pipeline, *_ = card_payments
    return k8s_export(str(pipeline.pk))


def test_every_kubernetes_manifest_matches_the_api_schemas(documents):
    kinds = {d["kind"] for d in documents if d["apiVersion"] != "keda.sh/v1alpha1"}
    assert kinds == {"ConfigMap", "Job", "Deployment", "Service", "Ingress", "PodDisruptionBudget"}
    for document in documents:
        if document["apiVersion"] != "keda.sh/v1alpha1":
            validate_kubernetes(document)


def test_every_scaled_object_matches_kedas_crd_schema(documents):
    scaled = [d for d in documents if d["kind"] == "ScaledObject"]
    assert scaled
    schema = keda_schema()
    for document in scaled:
        jsonschema.validate(document, schema)
        validate_object_meta(document)


def test_the_keda_schema_refuses_what_keda_would_not_take(documents):
    """The fixture is a real check: a misspelt field or a number as a string fails it."""
    schema = keda_schema()
    [scaled] = [d for d in documents if d["kind"] == "ScaledObject"]
    misspelt = copy.deepcopy(scaled)
    misspelt["spec"]["maxReplicas"] = misspelt["spec"].pop("maxReplicaCount")
    with pytest.raises(jsonschema.ValidationError, match="maxReplicas"):
        jsonschema.validate(misspelt, schema)
    threshold_as_number = copy.deepcopy(scaled)
    threshold_as_number["spec"]["triggers"][0]["metadata"]["lagThreshold"] = 600
    with pytest.raises(jsonschema.ValidationError, match="is not of type 'string'"):
        jsonschema.validate(threshold_as_number, schema)


def test_the_kubernetes_schemas_refuse_an_unknown_field(documents):
    deployment = copy.deepcopy(next(d for d in documents if d["kind"] == "Deployment"))
    deployment["spec"]["template"]["spec"]["containers"][0]["livenessProb"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        validate_kubernetes(deployment)


def test_the_keda_fixture_is_itself_a_valid_custom_resource_definition():
    validate_kubernetes(yaml.safe_load(KEDA_CRD.read_text()))
