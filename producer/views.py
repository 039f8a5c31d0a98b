"""The dashboard pages: thin shells that mount the React list and live dashboards."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from producer.dashboards import demo_feed_for, visible_producers

# Each producer page is one Vite entry (frontend/vite.config.ts) in the same shell template.
ENTRIES = {
    "live": "src/pages/dashboard.tsx",
    "transactions": "src/pages/transactions.tsx",
}


@login_required
def dashboard_list(request):
    return render(request, "pages/dashboards.html", {"page": "dashboards"})


@login_required
def live_dashboard(request, pk: int):
    return _producer_page(request, pk, "live")


@login_required
def transactions_dashboard(request, pk: int):
    return _producer_page(request, pk, "transactions")


@login_required
def demo_transactions(request):
    """A stable address for the demo's Transactions dashboard, whatever its producer's id."""
    component = demo_feed_for(request.user)
    if component is None:
        raise Http404("The demo pipeline is not loaded (manage.py load_demo).")
    return redirect("dashboard-transactions", pk=component.pk)


def legacy_live(request, pk: int):
    """The plain live view moved to the dashboard; old links and bookmarks still work."""
    return redirect("dashboard-live", pk=pk)


def _producer_page(request, pk: int, kind: str):
    component = visible_producers(request.user).filter(pk=pk).first()
    if component is None:
        raise Http404("No such WebSocket Producer.")
    context = {"page": f"dashboard-{kind}", "component": component, "entry": ENTRIES[kind]}
    return render(request, "pages/dashboard.html", context)
