from django.apps import AppConfig


class PollingConfig(AppConfig):
    name = "polling"
    verbose_name = "Voice360 polling"

    def ready(self) -> None:
        from polling import receivers  # noqa: F401 - connects them
        from wallboard import runtime  # noqa: F401 - resets the event loop in forked workers
