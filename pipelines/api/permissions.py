"""The REST API's door: each action needs a right (pipelines.security.access) on its pipeline.

Objects the caller cannot see never reach here: every viewset's queryset holds only
visible pipelines' rows, so those are 404. Reads need VIEW; other actions name their right
in the viewset's `rights`, writes default to EDIT.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from pipelines.security import access
from pipelines.security.access import Right


def right_for(view, request) -> Right:
    named = getattr(view, "rights", {}).get(view.action)
    if named is not None:
        return named
    return Right.VIEW if request.method in SAFE_METHODS else Right.EDIT


def pipeline_of(obj):
    return obj if hasattr(obj, "owner_id") else obj.pipeline


class PipelineRights(BasePermission):
    def has_object_permission(self, request, view, obj) -> bool:
        access.require(request.user, pipeline_of(obj), right_for(view, request))
        return True
