"""Error reports (Django's, as production mails or logs them with DEBUG off) carry no secret:
the functions that hold keys mark their variables sensitive, and the objects that carry a
key leave it out of their repr."""

import sys
import time

import pytest
from django.views.debug import ExceptionReporter

from accounts.models import Voice360Account
from polling import poller
from tests.polling.helpers import DEMO_KEY, add_account
from wallboard import runtime

pytestmark = pytest.mark.django_db


def report_of_the_exception() -> str:
    return ExceptionReporter(None, *sys.exc_info()).get_traceback_html()  # with the locals


def test_a_poll_that_crashes_leaves_no_key_in_the_report(settings, redis_client, monkeypatch):
    add_account(key=DEMO_KEY)
    from polling.targets import enabled_targets, load_target, publish_targets

    publish_targets(enabled_targets())

    def crash(coroutine):
        coroutine.close()
        raise RuntimeError("something unexpected")

    monkeypatch.setattr(runtime, "run", crash)
    settings.DEBUG = False  # the reporter filters only in production, as Django does
    plan = poller._plan(load_target(61), time.time())
    try:
        poller._poll(plan)  # poll_account itself logs the crash and records it on the health
    except RuntimeError:
        report = report_of_the_exception()
    assert "something unexpected" in report and "_poll" in report
    assert DEMO_KEY not in report


def test_setting_a_key_that_fails_leaves_it_out_of_the_report(settings, monkeypatch):
    from accounts import crypto

    def broken(text: str) -> str:
        del text  # not the function under test: its frame keeps nothing
        raise RuntimeError("no key to encrypt with")

    monkeypatch.setattr(crypto, "encrypt", broken)
    settings.DEBUG = False
    try:
        Voice360Account(account_id=61, name="A").set_api_key(DEMO_KEY)
    except RuntimeError:
        report = report_of_the_exception()
    assert "set_api_key" in report
    assert DEMO_KEY not in report
