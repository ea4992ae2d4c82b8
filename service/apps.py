from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "service"
    verbose_name = "Service metrics"

    def ready(self) -> None:
        from service import receivers  # noqa: F401  (connects the receivers)
