"""Helpers of the export_k8s tests (fixtures: tests/unit/conftest.py)."""

from __future__ import annotations

IMAGE = "registry.example/flowcast:1.2"
HOST = "flowcast.example.com"
GUID = "flowcast.io/guid"
COMPONENT = "app.kubernetes.io/component"


def one(documents: list[dict], kind: str, labels: dict[str, str] | None = None) -> dict:
    """The only document of `kind` whose labels include `labels`."""
    found = [
        d
        for d in documents
        if d["kind"] == kind and (labels or {}).items() <= d["metadata"].get("labels", {}).items()
    ]
    assert len(found) == 1, f"{len(found)} {kind} documents with labels {labels}"
    return found[0]


def container(document: dict, name: str) -> dict:
    spec = document["spec"]["template"]["spec"]
    [found] = [c for c in spec["containers"] if c["name"] == name]
    return found
