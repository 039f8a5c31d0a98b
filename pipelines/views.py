"""HTML pages: thin shells that mount the React editor, list and monitoring view."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from pipelines.security.access import visible_pipelines


@login_required
def pipeline_list(request):
    return render(request, "pages/pipelines.html", {"page": "pipelines"})


@login_required
def pipeline_editor(request, pk: int):
    pipeline = visible_pipelines(request.user).filter(pk=pk).first()
    if pipeline is None:
        raise Http404("No such pipeline.")
    return render(request, "pages/editor.html", {"page": "editor", "pipeline": pipeline})


@login_required
def pipeline_monitoring(request, pk: int):
    pipeline = visible_pipelines(request.user).filter(pk=pk).first()
    if pipeline is None:
        raise Http404("No such pipeline.")
    return render(request, "pages/monitoring.html", {"page": "monitoring", "pipeline": pipeline})


@login_required
def home(request):
    return redirect("pipeline-list")
