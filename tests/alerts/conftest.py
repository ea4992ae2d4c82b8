import socket

import pytest


@pytest.fixture
def broker(redis_client):
    """The tests' Redis, which is Celery's broker too: tasks sent land in its list."""
    return redis_client


# The public addresses the tests' webhook hosts have (this machine may resolve no outside
# name); every other name resolves as usual (localhost, say).
PUBLIC_HOSTS = {"hooks.slack.com": "34.205.1.1", "hooks.example.com": "93.184.215.14"}


@pytest.fixture(autouse=True)
def webhook_hosts_resolve(monkeypatch):
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in PUBLIC_HOSTS:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC_HOSTS[host], port or 443))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
