"""The LOGGING setting (wallboard/settings.py), apart so that the settings stay short."""


def logging_config(level: str) -> dict:
    """The LOGGING setting: one console handler, every line through RedactSecrets."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
        "filters": {
            "redact_secrets": {"()": "wallboard.access_log.RedactSecrets"},
            "probe_answers_are_warnings": {"()": "wallboard.access_log.ProbeAnswersAreWarnings"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "filters": ["redact_secrets"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own console handler (DEBUG only) prints paths unfiltered, kiosk tokens
            # included ("Not Found: /tv/<token>/"): without it, django's records reach ours.
            "django": {"handlers": [], "level": "INFO"},
            "django.request": {"filters": ["probe_answers_are_warnings"]},
            "httpx": {"level": "WARNING"},
            "httpcore": {"level": "WARNING"},
            # One line per task received/succeeded and per beat send drowns everything else
            # (a poll every 2 s per account); failures still log at WARNING and above.
            "celery.app.trace": {"level": "WARNING"},
            "celery.worker.strategy": {"level": "WARNING"},
            "celery.beat": {"level": "WARNING"},
        },
    }
