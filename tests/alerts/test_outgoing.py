"""Where an alert rule's webhook may post (alerts/outgoing.py): public addresses only,
checked at save and at send time, connecting to the checked address, no redirects."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from django.core.exceptions import ValidationError

from alerts import outgoing
from alerts.forms import AlertRuleForm
from alerts.models import AlertRule
from tests.alerts.helpers import make_board

REFUSED = [
    "https://127.0.0.1/hook",
    "https://localhost/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::1]:6379/",
    "https://10.0.0.5/hook",
    "https://192.168.1.10/hook",
    "https://172.16.0.1/hook",
    "https://224.0.0.1/hook",
    "https://0.0.0.0/hook",
    "https://240.0.0.1/hook",
    "https://[fe80::1]/hook",
    "https://hooks.example.com /services/x",
    "https://user:pw@hooks.example.com/services/x",
    "http://hooks.example.com/services/x",
    "ftp://hooks.example.com/x",
    "https:///no-host",
]


@pytest.mark.parametrize("url", REFUSED)
def test_it_refuses_urls_that_reach_inside_or_are_not_https(url):
    with pytest.raises(ValidationError):
        outgoing.check(url)


def test_a_public_https_url_is_accepted_with_the_address_it_resolved_to():
    target = outgoing.check("https://hooks.example.com/services/T0/B0/x?y=1")
    assert (target.host, target.port, target.path) == (
        "hooks.example.com",
        443,
        "/services/T0/B0/x?y=1",
    )
    assert target.address == "93.184.215.14"
    assert target.url == "https://93.184.215.14:443/services/T0/B0/x?y=1"


def test_a_setting_lets_private_and_loopback_addresses_through_but_never_link_local(settings):
    settings.ALERT_WEBHOOK_ALLOW_PRIVATE = True
    assert outgoing.check("https://10.0.0.5/hook").address == "10.0.0.5"
    assert outgoing.check("https://127.0.0.1/hook").address == "127.0.0.1"
    with pytest.raises(ValidationError):
        outgoing.check("https://169.254.169.254/latest/meta-data/")


@pytest.mark.django_db
def test_the_admin_form_refuses_an_inside_address_when_the_rule_is_saved():
    data = {
        "kind": "no_agent_ready",
        "cooldown_seconds": 300,
        "webhook_url": "https://169.254.169.254/x",
    }
    form = AlertRuleForm(data=data, instance=AlertRule(board=make_board()))
    assert not form.is_valid()
    assert "not a public address" in form.errors["webhook_url"][0]


class Receiver:
    def __init__(self, status: int = 200, headers: dict | None = None) -> None:
        self.requests: list[dict] = []
        state = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                state.requests.append({"host": self.headers["Host"], "body": json.loads(body)})
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def allow_local(settings) -> None:
    settings.ALERT_WEBHOOK_ALLOW_HTTP = True
    settings.ALERT_WEBHOOK_ALLOW_PRIVATE = True


def resolving(monkeypatch, host: str, *answers: str) -> list[str]:
    """`host` resolves to each of `answers` in turn (a name that changes its mind)."""
    real, asked = socket.getaddrinfo, []

    def getaddrinfo(name, port, *args, **kwargs):
        if name != host:
            return real(name, port, *args, **kwargs)
        address = answers[min(len(asked), len(answers) - 1)]
        asked.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_it_connects_to_the_address_it_checked_and_names_the_host(allow_local, monkeypatch):
    with Receiver() as receiver:
        resolving(monkeypatch, "chat.internal.test", "127.0.0.1")
        outgoing.post(f"http://chat.internal.test:{receiver.port}/hook", {"text": "hi"}, 5)
    assert receiver.requests == [
        {"host": f"chat.internal.test:{receiver.port}", "body": {"text": "hi"}}
    ]


def test_a_name_that_resolves_inside_by_the_time_of_the_post_is_refused(settings, monkeypatch):
    settings.ALERT_WEBHOOK_ALLOW_HTTP = True
    asked = resolving(monkeypatch, "rebinding.example.test", "93.184.215.14", "127.0.0.1")
    outgoing.check("http://rebinding.example.test/hook")  # at save: a public address
    with pytest.raises(ValidationError):
        outgoing.post("http://rebinding.example.test/hook", {"text": "hi"}, 5)
    assert asked == ["93.184.215.14", "127.0.0.1"]


def test_redirects_are_not_followed(allow_local):
    redirecting = Receiver(status=302, headers={"Location": "http://169.254.169.254/"})
    with redirecting as receiver, pytest.raises(httpx.HTTPStatusError):
        outgoing.post(f"http://127.0.0.1:{receiver.port}/hook", {"text": "hi"}, 5)
    assert len(receiver.requests) == 1
