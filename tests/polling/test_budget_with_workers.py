"""The rate budget, proved against the sandbox's own request counters.

60 accounts in public mode and 20 with keys are polled by two real Celery worker processes
for four rate windows. The sandbox's window and ours are both shrunk to 6 s, so four
"minutes" pass in under half a minute of real time.
"""

import time

import pytest

from polling import budget, dispatcher, tasks
from snapshots import store
from tests.polling.helpers import add_account
from tests.polling.workers import celery_workers
from tests.sandbox_process import start_sandbox

WINDOW = 6
WINDOWS = 4
PUBLIC_ACCOUNTS = range(1001, 1061)
KEYED_ACCOUNTS = range(1061, 1081)


@pytest.fixture
def busy_sandbox():
    sandbox = start_sandbox("--accounts", "80", "--quiet-activity")
    sandbox.control("PATCH", "/settings", {"window_seconds": WINDOW})
    yield sandbox
    sandbox.stop()
    if sandbox.process.stderr:
        sandbox.process.stderr.close()


@pytest.mark.slow
@pytest.mark.django_db
def test_two_workers_poll_80_accounts_within_the_budget_and_nobody_starves(
    busy_sandbox, settings, redis_client, tmp_path
):
    settings.VOICE360_BASE_URL = busy_sandbox.base_url
    settings.POLL_RATE_WINDOW_SECONDS = WINDOW
    keys = {a["id"]: a["developer_key"] for a in busy_sandbox.control("GET", "/accounts").json()}
    for account_id in PUBLIC_ACCOUNTS:
        add_account(account_id, key=None)
    for account_id in KEYED_ACCOUNTS:
        add_account(account_id, key=keys[account_id])

    env = {"VOICE360_BASE_URL": busy_sandbox.base_url, "POLL_RATE_WINDOW_SECONDS": str(WINDOW)}
    with celery_workers(2, env, tmp_path):
        busy_sandbox.control("DELETE", "/requests")
        end = time.monotonic() + WINDOW * WINDOWS
        while time.monotonic() < end:
            dispatcher.dispatch(enqueue=tasks.send_polls)  # the beat's job, driven here
            time.sleep(0.5)

    seen = busy_sandbox.control("GET", "/requests").json()
    for ip, stats in seen["ips"].items():
        assert stats["rate_limited"] == 0, ip
        assert stats["max_in_window"] <= 100, ip
    # The budget was really under pressure, not met by polling too little.
    assert max(stats["max_in_window"] for stats in seen["ips"].values()) >= 60
    for key, stats in seen["keys"].items():
        assert stats["rate_limited"] == 0, key
    assert {f"{a}:developer" for a in KEYED_ACCOUNTS} <= seen["keys"].keys()

    public_interval = budget.effective_interval(1001)
    assert public_interval > 2.0  # stretched: 60 public accounts cannot all poll every 2 s
    assert {budget.effective_interval(a) for a in PUBLIC_ACCOUNTS} == {public_interval}
    assert {budget.effective_interval(a) for a in KEYED_ACCOUNTS} == {2.0}

    polls = {a: len(store.recent_polls(a)) for a in [*PUBLIC_ACCOUNTS, *KEYED_ACCOUNTS]}
    starved = [a for a in PUBLIC_ACCOUNTS if store.read_snapshot(a) is None or polls[a] < 2]
    assert not starved, (polls, (tmp_path / "worker-0.log").read_text()[-3000:])
    assert all(store.read_snapshot(a).snapshot.source == "key" for a in KEYED_ACCOUNTS)
    assert min(polls[a] for a in KEYED_ACCOUNTS) >= WINDOW * WINDOWS / 2 / 2
