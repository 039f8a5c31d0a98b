"""The only functions that change pipelines, events, components and their wires.

Views, the API, admin actions and commands call these; they validate with the domain
rules (pipelines.rules.graph, the tab forms), lock the pipeline row, bump its revision and
notify the runtime after commit.
"""

from pipelines.services.components import (
    connect,
    create_component,
    delete_component,
    disconnect,
    regenerate_secret,
    restore_component,
    reveal_secret,
    update_component,
)
from pipelines.services.events import create_event, delete_event, update_event
from pipelines.services.lifecycle import (
    check_graph,
    create_pipeline,
    delete_pipeline,
    deploy,
    restore_version,
    set_active,
    update_pipeline_details,
)
from pipelines.services.sharing import change_grant, grant_access, revoke_grant

__all__ = [
    "change_grant",
    "check_graph",
    "connect",
    "create_component",
    "create_event",
    "create_pipeline",
    "delete_component",
    "delete_event",
    "delete_pipeline",
    "deploy",
    "disconnect",
    "grant_access",
    "regenerate_secret",
    "restore_component",
    "restore_version",
    "reveal_secret",
    "revoke_grant",
    "set_active",
    "update_component",
    "update_event",
    "update_pipeline_details",
]
