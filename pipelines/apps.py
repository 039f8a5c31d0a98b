from django.apps import AppConfig


class PipelinesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pipelines"
    verbose_name = "Pipelines"

    def ready(self) -> None:
        from pipelines.security import revocation

        # Component types register themselves on import; pipelines owns two of them.
        from pipelines.types import api_ingestion, kafka_consumer  # noqa: F401

        revocation.connect()  # access removed: open dashboards check again
