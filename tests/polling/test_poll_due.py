"""The scheduled polls of one dispatcher tick in one task (poller.poll_due): each account
at its time, their API reads together on the process's loop, each stored as it is read,
and one account's trouble its own."""

import time

import pytest
import redis

from polling import budget, dispatcher, poller, schedule, tasks
from polling.public_fallback import key_bucket
from polling.targets import load_target
from snapshots import store
from tests.polling.helpers import add_account
from tests.sandbox_process import start_sandbox

ACCOUNTS = (1001, 1002, 1003)


@pytest.fixture
def three_accounts(settings, redis_client, db):
    sandbox = start_sandbox("--accounts", "3", "--quiet-activity")
    settings.VOICE360_BASE_URL = sandbox.base_url
    settings.VOICE360_TIMEOUT_SECONDS = 3
    keys = {a["id"]: a["developer_key"] for a in sandbox.control("GET", "/accounts").json()}
    for account_id in ACCOUNTS:
        add_account(account_id, key=keys[account_id])
    dispatcher.current_plan()  # publishes the targets, as a tick does
    yield sandbox
    sandbox.stop()


def test_every_claimed_account_is_polled_and_its_schedule_goes_on_from_its_due_time(
    three_accounts,
):
    before = time.time()
    results = poller.poll_due([(1001, 0.0), (1002, 0.2), (1003, 0.0)])
    after = time.time()
    assert [r.outcome for r in results] == ["changed"] * 3
    for account_id in ACCOUNTS:
        stored = store.read_snapshot(account_id)
        assert stored is not None and stored.snapshot.source == "key"
    # Its next poll is one interval (2 s) after its due time, not after the task's start.
    assert before + 2.2 <= schedule.due_at(1002) <= after + 2.2
    assert before + 2.0 <= schedule.due_at(1001) <= after + 2.0
    assert poller.poll_due([(1001, 0.0)])[0].outcome == "unchanged"


def test_one_accounts_trouble_leaves_the_others_polled(three_accounts, redis_client):
    redis_client.delete("wb:poll:target:1002")  # gone: its account was deleted meanwhile
    held = schedule.acquire_lock(1003, 30)  # another poll of 1003 is running
    results = poller.poll_due([(1001, 0.0), (1002, 0.0), (1003, 0.0)])
    assert [r.outcome for r in results] == ["changed", "gone", "busy"]
    assert store.read_snapshot(1001) is not None
    assert store.read_snapshot(1003) is None
    schedule.release_lock(1003, held)


def test_an_upstream_error_is_that_accounts_failure(three_accounts):
    three_accounts.control("POST", "/faults", {"kind": "status", "status": 500})
    results = poller.poll_due([(1001, 0.0), (1002, 0.0)])
    assert {r.outcome for r in results} == {"failed"}
    health = store.read_snapshot(1001)
    assert health is None  # nothing stored, the failure is on the account's health
    assert all(schedule.due_at(a) > time.time() for a in (1001, 1002))  # backed off


def test_a_ticks_claims_go_out_in_quarter_second_steps():
    claims = [
        dispatcher.Claim(1001, expires=2.0, wait=0.0),
        dispatcher.Claim(1002, expires=2.1, wait=0.1),
        dispatcher.Claim(1003, expires=2.3, wait=0.3),
        dispatcher.Claim(1004, expires=2.9, wait=0.9),
    ]
    steps = tasks.in_steps(claims)
    assert [countdown for countdown, _, _ in steps] == [0.0, 0.25, 0.75]
    assert steps[0][1] == [(1001, 0.0), (1002, 0.1)]
    assert steps[0][2] == 2.0  # expires with its first poll
    assert steps[1][1] == [(1003, pytest.approx(0.05))]
    assert steps[2][1] == [(1004, pytest.approx(0.15))]


def test_an_account_out_of_budget_waits_and_the_others_are_polled(three_accounts, settings):
    # 1002's key has no room left in this window; 1001's and 1003's have.
    target = load_target(1002)
    bucket = key_bucket(target.api_key)
    while budget.acquire(bucket, 1, target.share) == 0:
        pass
    results = poller.poll_due([(1001, 0.0), (1002, 0.0), (1003, 0.0)])
    assert [r.outcome for r in results] == ["changed", "budget_wait", "changed"]
    assert store.read_snapshot(1002) is None
    assert schedule.acquire_lock(1002, 1) is not None  # its lock was released
    assert schedule.due_at(1002) > time.time()  # and it is due again once the budget has room


class RoundTrips:
    """Counts the requests this process sends Redis (a pipeline is one)."""

    def __init__(self, monkeypatch) -> None:
        self.count = 0
        send = redis.connection.AbstractConnection.send_packed_command

        def counted(connection, command, check_health=True):
            self.count += 1
            return send(connection, command, check_health)

        monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counted)


def test_the_start_and_finish_of_a_steps_polls_cost_round_trips_per_step(
    three_accounts, monkeypatch
):
    poller.poll_due([(a, 0.0) for a in ACCOUNTS])  # first snapshots, configs, tallies
    spy = RoundTrips(monkeypatch)
    poller.poll_due([(1001, 0.0)])
    one = spy.count
    spy.count = 0
    poller.poll_due([(a, 0.0) for a in ACCOUNTS])
    three = spy.count
    # For the whole step: started in three round trips, the stored snapshots read in one and
    # finished in one. Each account's own are its store's: its queue configuration, today's
    # figures, its alerts, the write and its agents' last states.
    per_account = (three - one) / 2
    assert per_account <= 5, (one, three)
    assert one - per_account <= 5, (one, three)
