from django.urls import path

from producer import views

urlpatterns = [
    path("dashboards/", views.dashboard_list, name="dashboard-list"),
    path("dashboards/transactions/", views.demo_transactions, name="demo-transactions"),
    path("dashboards/<int:pk>/", views.live_dashboard, name="dashboard-live"),
    path(
        "dashboards/<int:pk>/transactions/",
        views.transactions_dashboard,
        name="dashboard-transactions",
    ),
    path("producers/<int:pk>/live/", views.legacy_live, name="producer-live"),
]
