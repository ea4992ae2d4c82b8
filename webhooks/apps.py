from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Voice360 webhooks"

    def ready(self) -> None:
        from webhooks import signals  # noqa: F401  (connects the receiver)
