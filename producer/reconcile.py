"""What Update Pipeline means for a producer's open sessions (DESIGN §6 close codes).

A pure rule over the deployed form before and after: no Django, no I/O. Sessions keep the
settings they connected with, so any change they would stream differently under closes
them with the code that tells the client how to come back.
"""

from __future__ import annotations

from pipelines.runtime.deployed_versions import DeployedComponent

RECONFIGURED = 4001  # reconnect with `since`: same records, new framing
REPLACED = 4002  # reconnect without `since`: another stream, its ids mean nothing here
GONE = 4502  # do not reconnect: the producer is no longer deployed

# What a session reads once, at the handshake, besides its input topics.
SESSION_SETTINGS = (("meta", "frame_format", "envelope"),)


def session_change(
    old: DeployedComponent | None, new: DeployedComponent | None
) -> tuple[int, str] | None:
    """The close code and reason for sessions of `old` once `new` is deployed, or None."""
    if old is None:
        return None  # nothing was streaming
    if new is None:
        return GONE, "Producer removed by Update Pipeline"
    if [t.name for t in old.inputs] != [t.name for t in new.inputs]:
        return REPLACED, "Input event changed by Update Pipeline; reconnect without since"
    if old.source_format != new.source_format:
        return REPLACED, "Record format of the input changed by Update Pipeline"
    if [t.partitions for t in old.inputs] != [t.partitions for t in new.inputs]:
        return RECONFIGURED, "Input partitions changed by Update Pipeline; resume with since"
    for tab, name, default in SESSION_SETTINGS:
        if old.setting(tab, name, default) != new.setting(tab, name, default):
            return RECONFIGURED, f"{name} changed by Update Pipeline; resume with since"
    return None
