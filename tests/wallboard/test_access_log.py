import pytest
from django.test import Client

from wallboard.access_log import redact_path


def test_kiosk_tokens_are_taken_out_of_logged_paths():
    assert redact_path("/tv/s3cr3t-token/") == "/tv/[token]/"
    assert redact_path("/ws/wallboard/tv/s3cr3t-token/") == "/ws/wallboard/tv/[token]/"
    assert redact_path("/boards/floor/") == "/boards/floor/"


@pytest.mark.django_db
def test_each_request_is_logged_once_and_no_log_line_holds_the_token(console, redis_client):
    Client().get("/tv/s3cr3t-token/")
    output = console.getvalue()
    assert output.count('"GET /tv/[token]/" 404') == 1
    assert "Not Found: /tv/[token]/" in output  # Django's own warning, redacted too
    assert "s3cr3t" not in output
