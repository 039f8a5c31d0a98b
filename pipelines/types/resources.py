"""Resource Configuration as the runtime reads it: every value, with the tab's own defaults.

The supervisor, the Kubernetes manifests, the memory cap and the monitoring pages all read a
deployed component's resources here, so a value the snapshot lacks (a component saved before
the field existed, a partial config) falls back to the default the form shows, the same
everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from pipelines.types.tabs import ResourcesForm

DEFAULTS: dict[str, int] = {
    name: field.initial for name, field in ResourcesForm.base_fields.items()
}


@dataclass(frozen=True)
class Resources:
    min_instances: int
    max_instances: int
    cpu_request: int  # millicores
    cpu_limit: int
    memory_request: int  # MB (MiB)
    memory_limit: int
    lag_threshold: int  # records of consumer lag that count as 100 % for Intelligent Scaling

    @classmethod
    def of(cls, configured: dict | None) -> Resources:
        configured = configured or {}
        return cls(
            **{
                f.name: DEFAULTS[f.name]
                if configured.get(f.name) in (None, "")
                else int(configured[f.name])
                for f in fields(cls)
            }
        )
