from django.urls import path

from pipelines import views

urlpatterns = [
    path("", views.home, name="home"),
    path("pipelines/", views.pipeline_list, name="pipeline-list"),
    path("pipelines/<int:pk>/editor/", views.pipeline_editor, name="pipeline-editor"),
    path("pipelines/<int:pk>/monitoring/", views.pipeline_monitoring, name="pipeline-monitoring"),
]
