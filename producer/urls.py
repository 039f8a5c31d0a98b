from django.urls import path

from producer import views

urlpatterns = [
    path("producers/<int:pk>/live/", views.live_view, name="producer-live"),
]
