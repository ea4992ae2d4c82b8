"""The outgoing webhook task against a real HTTP server on loopback."""

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from alerts import tasks
from alerts.models import AlertEvent
from tests.alerts.helpers import SALES, make_board, make_rule, open_event

pytestmark = pytest.mark.django_db


@dataclass
class Receiver:
    """A Slack-like incoming webhook: records each POST, answers with `status`."""

    server: ThreadingHTTPServer
    bodies: list[dict] = field(default_factory=list)
    status: int = 200

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/services/T000/B000/secret-part"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            state.bodies.append(json.loads(self.rfile.read(length)))
            self.send_response(state.status)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state = Receiver(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def allow_http(settings) -> None:
    """The receiver is plain http on loopback: both need allowing (development only)."""
    settings.ALERT_WEBHOOK_ALLOW_HTTP = True
    settings.ALERT_WEBHOOK_ALLOW_PRIVATE = True
    settings.ALERT_WEBHOOK_RETRIES = 2
    settings.ALERT_WEBHOOK_RETRY_SECONDS = 0
    settings.ALERT_WEBHOOK_TIMEOUT_SECONDS = 2
    settings.ALERT_LINK_BASE_URL = "https://wall.example.com"


def fired_event(url: str) -> AlertEvent:
    board = make_board(title="Call centre floor")
    return open_event(make_rule(board, label="Sales unstaffed", queue_id=SALES, webhook_url=url))


def test_it_posts_slack_json_naming_queue_rule_and_board(
    receiver: Receiver, allow_http, redis_client
) -> None:
    event = fired_event(receiver.url)

    result = tasks.notify_webhook.apply(args=(event.pk,))

    assert result.get() == "sent"
    assert receiver.bodies == [
        {
            "text": "⚠ No agent ready in Sales — board “Call centre floor”, rule: "
            "Sales unstaffed <https://wall.example.com/boards/floor/|open the board>"
        }
    ]
    event.refresh_from_db()
    assert (event.notified, event.notify_error) == (True, "")
    assert redis_client.hget(tasks.METRICS_KEY, "sent") == "1"


def test_a_failing_webhook_is_retried_then_the_failure_is_recorded(
    receiver: Receiver, allow_http, redis_client, caplog
) -> None:
    receiver.status = 500
    event = fired_event(receiver.url)

    with caplog.at_level(logging.WARNING):
        result = tasks.notify_webhook.apply(args=(event.pk,))

    assert result.get() == "failed"
    assert len(receiver.bodies) == 3  # the first try and two retries
    event.refresh_from_db()
    assert event.notified is False
    assert event.notify_error == "failed after 3 attempts: HTTP 500"
    assert redis_client.hget(tasks.METRICS_KEY, "failed") == "1"
    assert redis_client.hget(tasks.METRICS_KEY, "retried") == "2"
    assert "secret-part" not in caplog.text  # the URL is a secret


def test_an_unreachable_webhook_is_recorded_without_its_url(allow_http, redis_client) -> None:
    event = fired_event("http://127.0.0.1:9/hooks/secret-part")  # discard port: refused
    assert tasks.notify_webhook.apply(args=(event.pk,)).get() == "failed"
    event.refresh_from_db()
    assert event.notify_error == "failed after 3 attempts: ConnectError"


def test_plain_http_is_refused_unless_the_setting_allows_it(
    receiver: Receiver, allow_http, settings, redis_client
) -> None:
    event = fired_event(receiver.url)
    settings.ALERT_WEBHOOK_ALLOW_HTTP = False
    assert tasks.notify_webhook.apply(args=(event.pk,)).get() == "refused"
    assert receiver.bodies == []
    event.refresh_from_db()
    assert event.notified is False and "must start with https://" in event.notify_error


def test_a_deleted_rule_is_no_error(receiver: Receiver, allow_http) -> None:
    event = fired_event(receiver.url)
    pk = event.pk
    event.rule.delete()
    assert tasks.notify_webhook.apply(args=(pk,)).get() == "gone"
    assert receiver.bodies == []


def test_the_outcomes_are_counted_in_metrics(redis_client) -> None:
    from django.test import Client

    tasks.count("sent")
    tasks.count("failed")
    tasks.count("failed")
    text = Client().get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert 'wallboard_alert_notifications_total{outcome="sent"} 1.0' in text
    assert 'wallboard_alert_notifications_total{outcome="failed"} 2.0' in text


def test_queue_names_are_text_in_slack_never_a_ping_or_a_link(allow_http) -> None:
    event = fired_event("http://127.0.0.1:9/hook")
    event.message = "No agent ready in <!channel> & <https://evil.example|click>"
    text = tasks.message_text(event)
    assert "<!channel>" not in text and "<https://evil" not in text
    assert "&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;" in text


def test_a_webhook_url_no_key_decrypts_is_a_recorded_counted_error(
    receiver: Receiver, allow_http, redis_client, use_encryption_keys
) -> None:
    from cryptography.fernet import Fernet

    use_encryption_keys(Fernet.generate_key().decode())
    event = fired_event(receiver.url)
    use_encryption_keys(Fernet.generate_key().decode())  # the key changed, not rotated
    assert tasks.notify_webhook.apply(args=(event.pk,)).get() == "undecryptable"
    event.refresh_from_db()
    assert "cannot be decrypted" in event.notify_error and not event.notified
    assert redis_client.hget(tasks.METRICS_KEY, "undecryptable") == "1"
    assert receiver.bodies == []
