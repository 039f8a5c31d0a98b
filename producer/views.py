"""The producer's live view: the records as a dashboard receives them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from pipelines.api.serializers import visible_pipelines
from pipelines.models import Component


@login_required
def live_view(request, pk: int):
    component = (
        Component.objects.select_related("pipeline")
        .filter(pk=pk, pipeline__in=visible_pipelines(request.user))
        .first()
    )
    if component is None:
        raise Http404("No such component.")
    return render(request, "producer/live.html", {"component": component})
