"""Signals the services send after their transaction commits.

The runtime (supervisor, WebSocket consumers) listens to these; sending them only on commit
means nobody acts on a change that was rolled back.
"""

from django.dispatch import Signal

# kwargs: pipeline_id, version_number, previous_version_id (None on the first)
pipeline_deployed = Signal()
# kwargs: pipeline_id, status
pipeline_status_changed = Signal()
# kwargs: component_id, ingestion_id
secret_regenerated = Signal()
# kwargs: component_id, ingestion_id
component_removed = Signal()
# kwargs: pipeline_ids. Someone may have lost the right to view these pipelines, or their
# sign-in changed (pipelines.security.revocation says when): open dashboard sessions check
# again.
access_narrowed = Signal()
