"""Turns domain errors into JSON answers with field-level messages."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.views.defaults import bad_request as html_bad_request
from django.views.defaults import page_not_found
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from pipelines.exceptions import (
    Forbidden,
    InvalidChange,
    KafkaUnavailable,
    NotDeployed,
    NotVisible,
    PipelineInvalid,
    StaleRevision,
    TopicChangeRefused,
    UnknownComponentType,
)


def exception_handler(exc, context):
    if isinstance(exc, NotVisible):
        return Response({"detail": str(exc)}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, Forbidden):
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, StaleRevision):
        return Response({"detail": str(exc), "rev": exc.current}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, PipelineInvalid):
        return Response(
            {"detail": str(exc), "errors": exc.errors}, status=status.HTTP_400_BAD_REQUEST
        )
    if isinstance(exc, InvalidChange):
        return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, UnknownComponentType):
        return Response({"type": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, NotDeployed):
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, TopicChangeRefused):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, KafkaUnavailable):
        return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    return drf_exception_handler(exc, context)


def not_found(request, exception):
    """Django's 404 (no route matched): JSON under /api/, as every other API refusal."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "No such API route."}, status=status.HTTP_404_NOT_FOUND)
    return page_not_found(request, exception)


def bad_request(request, exception):
    """Django's 400 (e.g. a body over DATA_UPLOAD_MAX_MEMORY_SIZE): JSON under /api/, and
    413 for a body too large, as the schema says."""
    if not request.path.startswith("/api/"):
        return html_bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return JsonResponse({"detail": f"The body is larger than {limit} bytes."}, status=413)
    return JsonResponse({"detail": "Bad request."}, status=status.HTTP_400_BAD_REQUEST)
