from django.apps import AppConfig


class PollingConfig(AppConfig):
    name = "polling"
    verbose_name = "Voice360 polling"

    def ready(self) -> None:
        # Connects the per-process event loop reset to Celery's worker_process_init.
        from wallboard import runtime  # noqa: F401
