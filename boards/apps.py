from django.apps import AppConfig


class BoardsConfig(AppConfig):
    name = "boards"
    verbose_name = "Boards"

    def ready(self) -> None:
        from boards import signals  # noqa: F401 - connects the receivers
        from wallboard.build import build_id

        build_id()  # the assets this process started with (about 1 ms; cached)
