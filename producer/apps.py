from django.apps import AppConfig


class ProducerConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "producer"
    verbose_name = "WebSocket Producer"

    def ready(self) -> None:
        from producer import component  # noqa: F401  (registers the type)
        from producer.notify import connect_receivers

        connect_receivers()
